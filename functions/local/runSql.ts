import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';

// `npm run sql -- "<statements>"`: runs SQL against the database `npm start` is using
// (DATABASE_URL, else the URL the embedded server wrote to .rowhook/database-url) and prints rows.
async function main() {
  const sql = process.argv.slice(2).join(' ').trim();
  if (!sql) {
    process.stderr.write('usage: npm run sql -- "select * from rowhook.outbox limit 5"\n');
    process.exit(2);
  }
  const dataDir = path.resolve(process.env.ROWHOOK_DATA_DIR ?? '.rowhook');
  const url =
    process.env.DATABASE_URL ??
    (await readFile(path.join(dataDir, 'database-url'), 'utf8').catch(() => {
      process.stderr.write(
        `rowhook: no DATABASE_URL and no ${dataDir}/database-url; is \`npm start\` running?\n`,
      );
      process.exit(2);
    }));
  const client = new pg.Client({ connectionString: url.trim() });
  client.on('notice', (notice) => process.stderr.write(`${notice.severity}: ${notice.message}\n`));
  await client.connect();
  try {
    const results = await client.query(sql);
    for (const result of Array.isArray(results) ? results : [results]) {
      if (result.rows.length > 0) console.table(result.rows);
      else process.stdout.write(`${result.command} ${result.rowCount ?? ''}\n`);
    }
  } catch (error) {
    process.stderr.write(`ERROR: ${(error as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    await client.end();
  }
}

await main();
