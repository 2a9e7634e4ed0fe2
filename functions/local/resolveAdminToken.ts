import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** ROWHOOK_ADMIN_TOKEN, or the token generated once into `<dataDir>/admin-token` (mode 0600). */
export async function resolveAdminToken(
  configured: string | undefined,
  dataDir: string,
): Promise<{ token: string; source: string }> {
  if (configured) return { token: configured, source: 'ROWHOOK_ADMIN_TOKEN' };
  const file = path.join(dataDir, 'admin-token');
  const existing = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (existing) return { token: existing, source: file };
  await mkdir(dataDir, { recursive: true });
  const token = `rha_${randomBytes(24).toString('base64url')}`;
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return { token, source: file };
}
