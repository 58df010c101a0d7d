// compromise on the benchmark texts: people, places, organizations and
// quotations of each document; prints seconds (wall clock), how many it
// found, and CPU seconds.
import { readFileSync } from 'node:fs';
import nlp from 'compromise';

const texts = readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l).text);
const c0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
let found = 0;
for (const text of texts) {
  const doc = nlp(text);
  found += doc.people().out('array').length + doc.places().out('array').length
        + doc.organizations().out('array').length + doc.quotations().out('array').length;
}
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
// CPU time too (all of node's threads): on a loaded machine the wall clock
// counts time spent waiting for a core
const cpu = process.cpuUsage(c0);
console.log(`seconds=${secs.toFixed(3)} found=${found} cpu_seconds=${((cpu.user + cpu.system) / 1e6).toFixed(3)}`);
