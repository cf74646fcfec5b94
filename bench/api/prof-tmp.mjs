import { fork } from 'node:child_process';
import autocannon from 'autocannon';
const child = fork(new URL('./target.mjs', import.meta.url).pathname, [process.argv[2] ?? 'prolope'], {
  execArgv: ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const info = await new Promise((r) => child.once('message', r));
const res = await autocannon({ url: info.url, headers: info.key ? { authorization: `Bearer ${info.key}` } : {}, connections: 10, duration: 5 });
console.log(res.requests.average);
child.send('exit');
