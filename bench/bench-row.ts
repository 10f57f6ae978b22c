/** One line of the benchmark table printed by `npm run bench`. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  /** The goal in words, e.g. "≤ 170 KB". */
  budget?: string;
  /** Whether the value meets the budget (absent when there is no budget). */
  ok?: boolean;
  note?: string;
}
