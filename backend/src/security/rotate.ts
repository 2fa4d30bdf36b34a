// Re-encrypts every registered encrypted column with the primary key, in batches, so old keys can
// then be removed from ENCRYPTION_KEYS. Safe to re-run: values already on the primary key are skipped.
import { QueryTypes, type Sequelize } from 'sequelize';
import { ENCRYPTED_COLUMNS } from '../db/models.ts';
import type { EncryptionService } from './encryption.ts';

export interface RotationReport {
  primaryKeyId: string;
  reencrypted: number;
  byColumn: Record<string, number>;
  /** Key ids still referenced after the run (should be only the primary). */
  remainingKeyIds: string[];
}

export async function rotateKeys(sequelize: Sequelize, enc: EncryptionService, batchSize = 500): Promise<RotationReport> {
  const report: RotationReport = { primaryKeyId: enc.primary.id, reencrypted: 0, byColumn: {}, remainingKeyIds: [] };
  const remaining = new Set<string>();
  for (const col of ENCRYPTED_COLUMNS) {
    const label = `${col.table}.${col.column}`;
    report.byColumn[label] = 0;
    let lastId = 0;
    for (;;) {
      const rows = await sequelize.query<{ id: number; value: string }>(
        `SELECT id, ${col.column} AS value FROM ${col.table} WHERE id > :lastId ORDER BY id LIMIT :limit`,
        { replacements: { lastId, limit: batchSize }, type: QueryTypes.SELECT },
      );
      if (rows.length === 0) break;
      for (const row of rows) {
        lastId = Number(row.id);
        if (row.value == null) continue;
        if (enc.keyIdOf(row.value) === enc.primary.id) continue;
        const fresh = enc.encrypt(enc.decrypt(row.value, col.context), col.context);
        const sets = [`${col.column} = :fresh`];
        if (col.keyIdColumn) sets.push(`${col.keyIdColumn} = :kid`);
        // Conditional on the old value so a concurrent write is never overwritten with stale data.
        await sequelize.query(`UPDATE ${col.table} SET ${sets.join(', ')} WHERE id = :id AND ${col.column} = :old`, {
          replacements: { fresh, kid: enc.primary.id, id: row.id, old: row.value },
        });
        report.byColumn[label] += 1;
        report.reencrypted += 1;
      }
    }
    const kids = await sequelize.query<{ value: string }>(`SELECT ${col.column} AS value FROM ${col.table}`, {
      type: QueryTypes.SELECT,
    });
    for (const k of kids) if (k.value) remaining.add(enc.keyIdOf(k.value));
  }
  report.remainingKeyIds = [...remaining].sort();
  return report;
}
