// The worker side of the flow: its Nest module with the processors, the steps and their Route 53
// client. Only worker processes import it, so the api and the board never load the AWS SDK.
export * from './lib/dns-flow-worker.module';
