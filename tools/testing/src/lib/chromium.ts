/**
 * How tests start Debian's chromium (tools/stack/setup.mjs installs it) through playwright-core:
 * never a downloaded browser. Without the background-networking switches chromium keeps dialling
 * Google's hosts, which a closed network refuses.
 */
export const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
} as const;
