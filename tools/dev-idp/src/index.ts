// What tests may use without starting a provider in-process: the provider runs as its own
// process (oidc-provider is an ES module), and these speak to it over HTTP.
export * from './sign-in';
