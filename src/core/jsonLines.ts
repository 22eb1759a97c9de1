/** A line of a JSON Lines file that was not taken, by its 1-based line number. */
export interface LineProblem {
  line: number;
  message: string;
}

/**
 * Read a JSON Lines text (review logs, run histories): blank lines skipped, a line that is not
 * JSON reported as `notJson`, every other value handed to `take` with its line number, which
 * returns a problem message to report or null.
 */
export function readJsonLines(text: string, notJson: string, take: (value: unknown, line: number) => string | null): LineProblem[] {
  const problems: LineProblem[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push({ line: i + 1, message: notJson });
      return;
    }
    const problem = take(value, i + 1);
    if (problem) problems.push({ line: i + 1, message: problem });
  });
  return problems;
}
