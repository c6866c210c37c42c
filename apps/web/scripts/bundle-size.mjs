// Prints the initial JavaScript of the web build (the entry and what index.html preloads), gzip.
// Route chunks load on demand (React.lazy) and are listed separately. Usage: node apps/web/scripts/bundle-size.mjs
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
const gz = (file) => gzipSync(readFileSync(join(dist, file))).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
let total = 0;
for (const file of initial) {
  total += gz(file);
  console.log(`initial  ${file}  ${kb(gz(file))} gzip`);
}
console.log(`INITIAL JS TOTAL ${kb(total)} gzip (budget 500 KB)`);
const lazy = readdirSync(join(dist, 'assets')).filter(
  (f) => f.endsWith('.js') && !initial.includes(`assets/${f}`),
);
const largest = lazy
  .map((f) => [f, gz(`assets/${f}`)])
  .sort((a, b) => b[1] - a[1])
  .slice(0, 5);
for (const [f, n] of largest) console.log(`lazy     assets/${f}  ${kb(n)} gzip`);
process.exit(total <= 500 * 1024 ? 0 : 1);
