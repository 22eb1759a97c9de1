/** Debian's Chromium, never a downloaded browser. */
export const CHROMIUM = process.env.ASSAY_CHROMIUM ?? '/usr/bin/chromium';

/** Flags that keep Chromium from calling home (STACK.md) and let it run as root in CI. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
