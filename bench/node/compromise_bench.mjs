// compromise on the benchmark texts: people, places, organizations and
// quotations of each document; prints seconds and how many it found.
import { readFileSync } from 'node:fs';
import nlp from 'compromise';

const texts = readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l).text);
const t0 = process.hrtime.bigint();
let found = 0;
for (const text of texts) {
  const doc = nlp(text);
  found += doc.people().out('array').length + doc.places().out('array').length
        + doc.organizations().out('array').length + doc.quotations().out('array').length;
}
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(`seconds=${secs.toFixed(3)} found=${found}`);
