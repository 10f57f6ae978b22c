// Ward endpoint administration: `npm run -s admin -- <command> [options]`.
// Commands meant for scripts print only their result on stdout; messages go to stderr.
// Uses the same database as the server (DATA_DIR or DATABASE_URL) and the same migrations.
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { openServerDb, type ServerDb } from '../db/connect.js';
import { isCityRole, type UserRole } from '../db/schema.js';
import { createUser, listDevices, revokeDevice, setUserDisabled, UnknownProvinceError, UnknownWardError, unlockUser } from '../services/accounts.js';
import { DEFAULT_EXPIRES_DAYS, issueEnrolmentCode, listEnrolmentCodes, revokeEnrolmentCode } from '../services/enrolment-codes.js';
import { provinceChain, verifyAuditChain, writeAudit } from '../services/audit.js';
import { cliActor, transferRecords } from '../services/record-owners.js';
import { applyRetention, describeRetention } from '../services/retention.js';
import { formatEnrolmentCode } from '../services/secrets.js';
import { getWardConfig, listWards, loadWardSeeds } from '../services/wards.js';
import { recountWard, storedCounters } from '../services/indicator-counters.js';
import { BACKUP_USAGE, openOptions, runBackupCommand } from './backup-commands.js';

const USAGE = `Usage: npm run -s admin -- <command>
  list-wards                                   CODE<TAB>NAME per ward
  issue-enrolment-code --ward CODE [--uses N] [--expires-days D]
                                               prints the expiry, then the code (last line);
                                               N ≤ 1000, D from 1 to 90 (default ${DEFAULT_EXPIRES_DAYS})
  list-enrolment-codes [--ward CODE]           ID<TAB>WARD<TAB>STATE<TAB>USES LEFT/TOTAL<TAB>EXPIRES<TAB>ISSUED BY
  revoke-enrolment-code --id ID                the code stops working at once
  create-user --ward CODE --username U [--role ward_staff|ward_admin] [--password-stdin]
  create-user --province CODE --username U --role city_staff|city_admin [--password-stdin]
                                               a city account: reads the roll-up of the province's
                                               wards held here (city_admin: and the province log)
  list-devices [--ward CODE]                   ID<TAB>WARD<TAB>NAME<TAB>CREATED<TAB>REVOKED
  revoke-device --device ID [--kind lost|retired]
                                               lost (default): refused at once, told to wipe;
                                               retired: its outbox is still taken, then it wipes
  transfer-records --from DEVICE --to DEVICE   hands the right to write FROM's records to TO
                                               (same ward; audited); prints the count
  disable-user --username U                    the account can no longer sign in; its sessions end
  enable-user --username U
  unlock-user --username U                     clears the sign-in lockout of the account
  rotate-sealing-key --ward CODE               a new key for sealed outbox records (older ones
                                               keep opening); prints its kid
  apply-retention [--ward CODE] [--dry-run]    erases personal fields of records past the ward's
                                               retentionMonths (the server also does it daily);
                                               WARD<TAB>CUT-OFF<TAB>HOUSEHOLDS<TAB>ASSISTANCES
                                               <TAB>REVISIONS<TAB>CONFLICTS per ward (erased now);
                                               --dry-run: WARD<TAB>CUT-OFF<TAB>HOUSEHOLDS<TAB>
                                               ASSISTANCES that would be erased, nothing changed
  audit-verify --ward CODE | --province CODE  checks the ward's (or province's) audit chain: OK<TAB>WARD<TAB>N entries<TAB>head …
                                               or BROKEN<TAB>WARD<TAB>seq=S<TAB>REASON<TAB>head … (exit code 3)
  recount --ward CODE                          rebuilds the ward's indicator counters from its records:
                                               SAME<TAB>WARD<TAB>N rows, or DIFFERED<TAB>WARD<TAB>N rows
                                               <TAB>K keys (each key on stderr; exit code 4), or
                                               COUNTED<TAB>WARD<TAB>N rows (never counted, or other age bands)
${BACKUP_USAGE}
Environment: DATA_DIR (./data) or DATABASE_URL (postgres://…), SEEDS_DIR (seeds/wards),
  BACKUP_RECIPIENT (age1… key for scheduled backups and the backup before migrations),
  BACKUP_PASSPHRASE_FILE, BACKUP_BEFORE_MIGRATIONS=off (migrate without that backup)`;

class UsageError extends Error {}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function prompt(question: string): Promise<string> {
  // Typed characters are not echoed: the password must not stay on the screen.
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const output = rl as unknown as { _writeToOutput: (s: string) => void };
  process.stderr.write(question);
  output._writeToOutput = () => {};
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stderr.write('\n');
  return answer;
}

function required(value: string | undefined, name: string): string {
  if (!value) throw new UsageError(`--${name} is required`);
  return value;
}

/** Runs one command; a number is the exit code when not 0 (a partial failure already reported). */
async function run(server: ServerDb, command: string, args: string[]): Promise<number | void> {
  const db = server.db;
  switch (command) {
    case 'list-wards': {
      for (const w of await listWards(db)) process.stdout.write(`${w.code}\t${w.name}\n`);
      return;
    }
    case 'issue-enrolment-code': {
      const { values } = parseArgs({ args, options: { ward: { type: 'string' }, uses: { type: 'string' }, 'expires-days': { type: 'string' } } });
      const uses = values.uses === undefined ? 1 : Number(values.uses);
      if (!Number.isInteger(uses) || uses < 1) throw new UsageError('--uses must be a whole number ≥ 1');
      const days = values['expires-days'] === undefined ? DEFAULT_EXPIRES_DAYS : Number(values['expires-days']);
      const issued = await issueEnrolmentCode(server, required(values.ward, 'ward'), uses, new Date(), { expiresDays: days, issuer: 'cli' });
      await writeAudit(db, cliActor(required(values.ward, 'ward')), 'enrolment_code.issue', issued.id, { uses: issued.uses, expiresAt: issued.expiresAt });
      process.stderr.write(`expires ${issued.expiresAt} (id ${issued.id})\n`);
      process.stdout.write(`${formatEnrolmentCode(issued.code)}\n`);
      return;
    }
    case 'list-enrolment-codes': {
      const { values } = parseArgs({ args, options: { ward: { type: 'string' } } });
      for (const c of await listEnrolmentCodes(db, values.ward)) {
        process.stdout.write(`${c.id}\t${c.wardCode}\t${c.state}\t${c.usesLeft}/${c.usesTotal}\t${c.expiresAt}\t${c.issuedBy ?? 'cli'}\n`);
      }
      return;
    }
    case 'revoke-enrolment-code': {
      const { values } = parseArgs({ args, options: { id: { type: 'string' } } });
      const id = required(values.id, 'id');
      if (!(await revokeEnrolmentCode(db, id))) throw new UsageError(`no enrolment code ${id}`);
      const code = await db.selectFrom('enrolment_codes').select('ward_code').where('id', '=', id).executeTakeFirst();
      if (code) await writeAudit(db, cliActor(code.ward_code), 'enrolment_code.revoke', id, {});
      process.stdout.write(`${id}\n`);
      return;
    }
    case 'create-user': {
      const { values } = parseArgs({
        args,
        options: {
          ward: { type: 'string' },
          province: { type: 'string' },
          username: { type: 'string' },
          role: { type: 'string' },
          'password-stdin': { type: 'boolean', default: false },
        },
      });
      const role = (values.role ?? (values.province !== undefined ? 'city_staff' : 'ward_staff')) as UserRole;
      if (!['ward_staff', 'ward_admin', 'city_staff', 'city_admin'].includes(role)) throw new UsageError('--role is ward_staff, ward_admin, city_staff or city_admin');
      const city = isCityRole(role);
      if (city && (values.province === undefined || values.ward !== undefined)) throw new UsageError(`--role ${role} takes --province CODE (not --ward)`);
      if (!city && values.province !== undefined) throw new UsageError(`--role ${role} takes --ward CODE (not --province)`);
      const scope = city ? provinceChain(required(values.province, 'province')) : required(values.ward, 'ward');
      const username = required(values.username, 'username');
      let password: string;
      if (values['password-stdin']) {
        password = (await readStdin()).replace(/\r?\n$/, '');
      } else {
        if (!process.stdin.isTTY) throw new UsageError('no terminal to prompt on: use --password-stdin');
        password = await prompt('Password: ');
        if ((await prompt('Password again: ')) !== password) throw new UsageError('the passwords differ');
      }
      const { id } = await createUser(db, city ? { provinceCode: values.province, username, password, role } : { wardCode: values.ward, username, password, role });
      // A city account's creation goes to its province's log (services/audit.ts provinceChain).
      await writeAudit(db, cliActor(scope), 'users.create', id, { username: username.toLowerCase(), role });
      process.stdout.write(`${id}\t${username.toLowerCase()}\t${role}\t${city ? `province ${values.province}` : values.ward}\n`);
      return;
    }
    case 'list-devices': {
      const { values } = parseArgs({ args, options: { ward: { type: 'string' } } });
      for (const d of await listDevices(db, values.ward)) {
        process.stdout.write(`${d.id}\t${d.ward_code}\t${d.volunteer_name}\t${d.created_at}\t${d.revoked_at ?? ''}\n`);
      }
      return;
    }
    case 'revoke-device': {
      const { values } = parseArgs({ args, options: { device: { type: 'string' }, kind: { type: 'string' } } });
      const id = required(values.device, 'device');
      const kind = values.kind ?? 'lost';
      if (kind !== 'lost' && kind !== 'retired') throw new UsageError('--kind is lost or retired');
      if (!(await revokeDevice(db, id, new Date(), kind))) throw new UsageError(`no device ${id}`);
      const dev = await db.selectFrom('devices').select('ward_code').where('id', '=', id).executeTakeFirst();
      if (dev) await writeAudit(db, cliActor(dev.ward_code), 'device.revoke', id, { kind });
      process.stdout.write(`${id}\n`);
      return;
    }
    case 'transfer-records': {
      const { values } = parseArgs({ args, options: { from: { type: 'string' }, to: { type: 'string' } } });
      const from = required(values.from, 'from');
      const to = required(values.to, 'to');
      const outcome = await transferRecords(server, { from, to, actor: cliActor });
      if (!outcome.ok) {
        const why = {
          same_device: '--from and --to are the same device',
          from_not_found: `no device ${from}`,
          to_not_found: `no device ${to}`,
          other_ward: 'the two devices belong to different wards',
          to_revoked: `device ${to} is revoked`,
        }[outcome.reason];
        throw new UsageError(why);
      }
      process.stdout.write(`${outcome.records}\n`);
      return;
    }
    case 'disable-user':
    case 'enable-user':
    case 'unlock-user': {
      const { values } = parseArgs({ args, options: { username: { type: 'string' } } });
      const username = required(values.username, 'username');
      const done = command === 'unlock-user' ? await unlockUser(db, username) : await setUserDisabled(db, username, command === 'disable-user');
      if (!done) throw new UsageError(`no account ${username}`);
      process.stdout.write(`${username.toLowerCase()}\n`);
      return;
    }
    case 'rotate-sealing-key': {
      const { values } = parseArgs({ args, options: { ward: { type: 'string' } } });
      const ward = required(values.ward, 'ward');
      if (!(await listWards(db)).some((w) => w.code === ward)) throw new UsageError(`no ward ${ward}`);
      process.stdout.write(`${(await server.wardKeys.rotate(ward)).kid}\n`);
      return;
    }
    case 'apply-retention': {
      const { values } = parseArgs({ args, options: { ward: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } } });
      const report = await applyRetention(server, { now: new Date(), wardCode: values.ward, actor: cliActor, dryRun: values['dry-run'] });
      if (values['dry-run']) {
        for (const w of report.wards) process.stdout.write(`${w.wardCode}\t${w.cutOff}\t${w.households}\t${w.assistances}\n`);
        process.stderr.write('dry run: records that would be erased now; nothing was changed\n');
        return;
      }
      for (const w of report.wards) {
        process.stdout.write(`${w.wardCode}\t${w.cutOff}\t${w.households}\t${w.assistances}\t${w.revisions}\t${w.conflicts + w.conflictsMerged}\n`);
      }
      process.stderr.write(`${describeRetention(report)}\n`);
      if (report.wards.some((w) => w.failed > 0)) return 1;
      return;
    }
    case 'audit-verify': {
      const { values } = parseArgs({ args, options: { ward: { type: 'string' }, province: { type: 'string' } } });
      const chain = values.province !== undefined ? provinceChain(values.province) : required(values.ward, 'ward');
      const check = await verifyAuditChain(db, chain);
      const head = `head seq=${check.head.seq} hash=${check.head.hash || '-'}`;
      if (check.ok) {
        process.stdout.write(`OK\t${check.head.wardCode}\t${check.entries} entries\t${head}\n`);
        return 0;
      }
      process.stdout.write(`BROKEN\t${check.head.wardCode}\tseq=${check.brokenAt}\t${check.reason}\t${head}\n`);
      return 3;
    }
    case 'recount': {
      const { values } = parseArgs({ args, options: { ward: { type: 'string' } } });
      const wardCode = required(values.ward, 'ward');
      const config = await getWardConfig(db, wardCode);
      if (!config) throw new UsageError(`unknown ward: ${wardCode}`);
      const settings = { adultAge: config.settings.adultAge, vneidMinAge: config.settings.vneidMinAge };
      const result = await db.transaction().execute((trx) => recountWard(trx, wardCode, settings));
      const rows = (await storedCounters(db, wardCode)).length;
      if (result.differences.length > 0) {
        for (const d of result.differences) process.stderr.write(`${d}\n`);
        process.stdout.write(`DIFFERED\t${wardCode}\t${rows} rows\t${result.differences.length} keys\n`);
        return 4;
      }
      process.stdout.write(`${result.compared ? 'SAME' : 'COUNTED'}\t${wardCode}\t${rows} rows\n`);
      return 0;
    }
    default:
      throw new UsageError(command ? `unknown command: ${command}` : 'no command');
  }
}

async function main(): Promise<number> {
  const [command = '', ...args] = process.argv.slice(2);
  if (command === '--help' || command === 'help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // Restore and verify must not open (create, migrate) the target first; backup opens it itself.
  if (command === 'backup' || command === 'restore') return runBackupCommand(command, args);
  let server: ServerDb | null = null;
  try {
    server = await openServerDb({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR ?? './data', ...openOptions() });
    // The CLI may run before the server ever started: it knows the seeded wards too. It never
    // does the first-start work (the first admin password is the server's to print).
    await loadWardSeeds(server.db, process.env.SEEDS_DIR ?? 'seeds/wards');
    return (await run(server, command, args)) ?? 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof RangeError || error instanceof UnknownWardError || error instanceof UnknownProvinceError) {
      process.stderr.write(`admin: ${error.message}\n${error instanceof UsageError ? `${USAGE}\n` : ''}`);
      return 2;
    }
    if (error instanceof Error && /unique|duplicate key/i.test(error.message)) {
      process.stderr.write('admin: that username is taken\n');
      return 2;
    }
    process.stderr.write(`admin: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await server?.close();
  }
}

process.exitCode = await main();
