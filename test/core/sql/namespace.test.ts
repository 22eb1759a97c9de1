import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NodeEngine } from '../../../src/engine/node/NodeEngine';
import { FILES_NAMESPACE, aliasSql, dropAliasSql, notebookNamespace, useNamespaceSql } from '../../../src/core/sql/namespace';

/** Hostile names on the namespace path: a notebook id, a source name and a file table. */
describe('namespace SQL', () => {
  let engine: NodeEngine;
  beforeAll(async () => {
    engine = await NodeEngine.create();
    await engine.openFile(new Blob(['x\n1\n2\n']), 't.csv', { name: 'evil"; DROP TABLE keep; --', namespace: FILES_NAMESPACE });
    await engine.query('CREATE TABLE keep AS SELECT 1 AS k', FILES_NAMESPACE);
    await engine.seal();
  });
  afterAll(() => engine.close());

  test('a notebook id of any text becomes one plain namespace name; anything else is refused', async () => {
    const ns = notebookNamespace(`x"; ATTACH '/tmp/y'; --`);
    expect(ns).toMatch(/^nb_[a-z0-9_]+_[0-9a-f]{8}$/);
    expect(() => useNamespaceSql(`a"; DROP SCHEMA main; --`)).toThrow(/not a namespace name/);
    await expect(engine.query('SELECT 1', `a'b`)).rejects.toThrow(/not a namespace name/);
  });

  test('a source and a file table with quotes and semicolons alias as names; nothing else runs', async () => {
    const ns = notebookNamespace('hostile');
    const source = `batch"; DROP TABLE ${FILES_NAMESPACE}.keep; --`;
    await engine.query(aliasSql(source, 'evil"; DROP TABLE keep; --'), ns);
    const n = await engine.query(`SELECT sum(x) AS s FROM "${source.replaceAll('"', '""')}"`, ns);
    expect(Number(n.getChild('s')!.get(0))).toBe(3);
    expect((await engine.query('SELECT k FROM keep', FILES_NAMESPACE)).numRows).toBe(1);
    await engine.query(dropAliasSql(source), ns);
    await expect(engine.query(`SELECT * FROM "${source.replaceAll('"', '""')}"`, ns)).rejects.toThrow(/does not exist/);
    expect((await engine.query('SELECT k FROM keep', FILES_NAMESPACE)).numRows).toBe(1);
  });
});
