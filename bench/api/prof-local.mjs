import { fork } from 'node:child_process';
import autocannon from 'autocannon';
const kind = process.argv[2];
const body =
  '{"id":"acct_01M97DCXH0ED84DQVVSQVJ446K","object":"account","name":"Bench","legal_entity":{"type":"company","legal_name":"Bench OOD","country":"BG"},"signatory":{"name":"B","email":"b@example.com","confirmed_age_18_or_over":true,"confirmed_authority":true,"confirmed_at":"2026-12-07T04:50:07.520Z"},"parent_account_id":null,"status":"active","test_clock":null,"holds":{"suspension":false,"termination":false},"terminated_on":null,"metadata":{},"created_at":"2026-12-07T04:50:07.520Z","updated_at":"2026-12-07T04:50:07.520Z"}';
const child = fork(new URL('./target.mjs', import.meta.url).pathname, [kind], {
  execArgv: ['--cpu-prof', '--cpu-prof-dir=/tmp/prof-' + kind],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  env: { ...process.env, BENCH_BARE_BODY: body },
});
const info = await new Promise((r) => child.once('message', r));
const res = await autocannon({ url: info.url, headers: info.key ? { authorization: `Bearer ${info.key}` } : {}, connections: 10, duration: 8 });
console.log(kind, res.requests.average);
child.send('exit');
