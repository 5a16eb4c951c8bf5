// The worker side: the processor and its SMTP client (nodemailer). Only worker processes import
// it, so the api and the board never load nodemailer.
export * from './lib/notifications-worker.module';
export * from './lib/notification-sender.service';
