import { quoteToFill } from './quote-to-fill';

/** `node dist/tools/walkthrough/main.js [gateway URL]` against a running `make up`. */
const gateway = (process.argv[2] ?? process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
quoteToFill(gateway, (l) => process.stdout.write(`${l}\n`)).then(
  () => process.exit(0),
  (e: Error) => {
    process.stderr.write(`walkthrough: ${e.message}\n`);
    process.exit(1);
  },
);
