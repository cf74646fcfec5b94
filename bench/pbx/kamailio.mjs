// bench/pbx's peer: Kamailio (Debian's `kamailio` package) as a registrar, started here as a child
// process with a generated configuration in a temporary directory. usrloc keeps the bindings in memory
// (db_mode 0); auth_db checks the digest against a db_text `subscriber` table holding the same users,
// realm and HA1s as Prolope's store (HA1 only, no password, as Prolope keeps them), loaded into memory
// at start. The route answers REGISTER only: challenge (qop=auth, MD5, as Prolope's with
// algorithms [MD5]), check, save; anything else gets 405.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeUdpPort } from '../sip/free-port.mjs';

const MODULES = '/usr/lib/x86_64-linux-gnu/kamailio/modules';

/** True when the `kamailio` binary is on the PATH. */
export const haveKamailio = () => spawnSync('which', ['kamailio']).status === 0;

/** The configuration: `children` UDP workers on 127.0.0.1:`port`, users from the db_text directory `db`. */
function config({ port, db, children }) {
  return `#!KAMAILIO
debug=${Number(process.env.BENCH_PBX_KAMAILIO_DEBUG ?? 0)}
log_stderror=yes
memdbg=5
memlog=5
children=${children}
listen=udp:127.0.0.1:${port}
auto_aliases=no
dns=no
rev_dns=no
mpath="${MODULES}"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "db_text.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "auth.so"
loadmodule "auth_db.so"
modparam("usrloc", "db_mode", 0)
modparam("usrloc", "hash_size", 14)
modparam("registrar", "min_expires", 60)
modparam("registrar", "max_expires", 3600)
modparam("auth_db", "db_url", "text://${db}")
modparam("auth_db", "calculate_ha1", 0)
modparam("auth_db", "password_column", "ha1")
modparam("auth_db", "use_domain", 1)

request_route {
  if (method != "REGISTER") {
    sl_send_reply("405", "Method Not Allowed");
    exit;
  }
  if (!auth_check("$td", "subscriber", "1")) {
    auth_challenge("$td", "1");
    exit;
  }
  consume_credentials();
  if (!save("location")) sl_reply_error();
  exit;
}
`;
}

/**
 * Starts Kamailio with the users of a SIPp injection file (`user;domain;[authentication username=.. password=..]`
 * lines after the first). `children`: UDP worker processes (default 2, one per core of the bench machine).
 */
export async function startKamailio({ csv, children = 2, nice }) {
  const dir = mkdtempSync(join(tmpdir(), 'prolope-bench-kamailio-'));
  const db = join(dir, 'db');
  mkdirSync(db);
  const users = readFileSync(csv, 'utf8').trim().split('\n').slice(1);
  const md5 = (s) => createHash('md5').update(s).digest('hex');
  const rows = users.map((line, i) => {
    const [user, domain, auth] = line.split(';');
    const password = /password=(\S+)\]$/.exec(auth)?.[1];
    if (!password) throw new Error(`users file: no [authentication ... password=...] in "${line}"`);
    return `${i + 1}:${user}:${domain}::${md5(`${user}:${domain}:${password}`)}:`;
  });
  writeFileSync(
    join(db, 'subscriber'),
    `id(int,auto) username(string) domain(string) password(string,null) ha1(string) ha1b(string,null) \n${rows.join('\n')}\n`,
  );
  writeFileSync(join(db, 'version'), 'id(int,auto) table_name(string) table_version(int) \n1:subscriber:7\n');
  const port = await freeUdpPort();
  const cfg = join(dir, 'kamailio.cfg');
  writeFileSync(cfg, config({ port, db, children }));
  const check = spawnSync('kamailio', ['-c', '-f', cfg], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`kamailio -c refused the generated configuration:\n${check.stderr.slice(-3000)}`);
  // -DD: stay in the foreground but still fork the workers; -E: log to stderr; -m: shared memory (MiB).
  const child = spawn('kamailio', ['-f', cfg, '-DD', '-E', '-m', '256', '-M', '16', '-Y', dir, '-w', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let out = '';
  child.stderr.on('data', (d) => {
    out = (out + d).slice(-4000);
    // BENCH_PBX_KAMAILIO_LOG=1 shows Kamailio's log (with BENCH_PBX_KAMAILIO_DEBUG=3, why a REGISTER failed).
    if (process.env.BENCH_PBX_KAMAILIO_LOG === '1') process.stderr.write(d);
  });
  nice?.(child.pid);
  await waitForSip(port, child, () => out);
  return {
    port,
    pid: child.pid,
    /** Every Kamailio process (the main one and the workers it forked): their CPU and memory add up. */
    pids: () => processTree(child.pid),
    stop() {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until Kamailio answers an OPTIONS (with 405: the route takes REGISTER only). */
async function waitForSip(port, child, log) {
  const { createSocket } = await import('node:dgram');
  const socket = createSocket('udp4');
  await new Promise((r) => socket.bind(0, '127.0.0.1', r));
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`kamailio exited (${child.exitCode}): ${log()}`);
      if (i > 100) throw new Error(`kamailio does not answer on 127.0.0.1:${port}: ${log()}`);
      const local = socket.address().port;
      const msg = [
        `OPTIONS sip:127.0.0.1:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK-probe-${i}`,
        'From: <sip:probe@127.0.0.1>;tag=probe',
        `To: <sip:127.0.0.1:${port}>`,
        `Call-ID: probe-${i}`,
        'CSeq: 1 OPTIONS',
        'Max-Forwards: 70',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      const answered = new Promise((resolve) => {
        const t = setTimeout(() => resolve(false), 100);
        socket.once('message', () => {
          clearTimeout(t);
          resolve(true);
        });
      });
      socket.send(msg, port, '127.0.0.1');
      if (await answered) return;
    }
  } finally {
    socket.close();
  }
}

/** `pid` and its descendants, from /proc. */
function processTree(pid) {
  const out = spawnSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' }).stdout;
  const kids = new Map();
  for (const line of out.trim().split('\n')) {
    const [p, pp] = line.trim().split(/\s+/).map(Number);
    kids.set(pp, [...(kids.get(pp) ?? []), p]);
  }
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...(kids.get(all[i]) ?? []));
  return all;
}
