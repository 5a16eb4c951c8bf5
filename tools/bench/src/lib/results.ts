/** One number of a scenario, with the target it is held to when there is one. */
export interface Figure {
  metric: string;
  value: number | string;
  unit: string;
  target?: { text: string; met: boolean };
}

export interface ScenarioResult {
  scenario: string;
  /** Wall time of the whole scenario, setup included. */
  seconds: number;
  figures: Figure[];
  /** Raw readings behind the figures, for the JSON file. */
  details: Record<string, unknown>;
}

export function figure(
  metric: string,
  value: number | string,
  unit: string,
  target?: { text: string; met: boolean },
): Figure {
  return { metric, value, unit, ...(target ? { target } : {}) };
}

/** `value >= min`, as the target column reads it. */
export function atLeast(value: number, min: number): { text: string; met: boolean } {
  return { text: `>= ${min}`, met: value >= min };
}

export function atMost(value: number, max: number): { text: string; met: boolean } {
  return { text: `<= ${max}`, met: value <= max };
}

export function below(value: number, max: number): { text: string; met: boolean } {
  return { text: `< ${max}`, met: value < max };
}

/** The one table `npm run bench` prints. */
export function formatTable(results: readonly ScenarioResult[]): string {
  const rows: string[][] = [['scenario', 'metric', 'value', 'target', '']];
  for (const result of results) {
    for (const [index, item] of result.figures.entries()) {
      rows.push([
        index === 0 ? result.scenario : '',
        item.metric,
        typeof item.value === 'number'
          ? `${formatNumber(item.value)} ${item.unit}`.trim()
          : item.value,
        item.target?.text ?? '',
        item.target ? (item.target.met ? 'met' : 'MISSED') : '',
      ]);
    }
  }
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  const line = (row: string[]): string =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  const [header, ...body] = rows;
  return [line(header ?? []), rule, ...body.map(line)].join('\n');
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 1) return value.toFixed(2);
  return value.toPrecision(2);
}
