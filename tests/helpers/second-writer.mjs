// A second process writing to the ward endpoint's SQLite file in a loop, as the admin CLI or a
// backup tool does while the server runs: short IMMEDIATE transactions that each hold the write
// lock for a few milliseconds. Usage: node second-writer.mjs FILE MILLISECONDS
// Prints the number of transactions committed.
import Database from 'better-sqlite3';

const [file, durationText] = process.argv.slice(2);
const db = new Database(file, { fileMustExist: true, timeout: 5000 });
db.pragma('journal_mode = WAL');
const put = db.prepare("insert or replace into server_meta (key, value) values ('second-writer', ?)");
const end = Date.now() + Number(durationText);
let commits = 0;
while (Date.now() < end) {
  db.exec('begin immediate');
  put.run(String(commits));
  const hold = Date.now() + 3; // hold the lock a little, as a real write does
  while (Date.now() < hold) {
    // busy-wait: a synchronous writer holds the lock without yielding
  }
  db.exec('commit');
  commits++;
  const pause = Date.now() + 2;
  while (Date.now() < pause) {
    // busy-wait between transactions
  }
}
db.close();
process.stdout.write(`${commits}\n`);
