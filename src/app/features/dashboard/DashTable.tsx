// The dashboard's one table shape: a scrolling wrapper, an optional caption, one header row of
// column headings and the caller's body rows. Rows stay with each screen, which knows its data.
import { useId, type ReactNode } from 'react';

/** A column heading: its text, or its text with a tooltip (e.g. a week's dates). */
export type DashColumn = string | { label: string; title: string };

type DashTableProps = {
  columns: readonly DashColumn[];
  children: ReactNode;
  /** The id of the heading that names the table (tables with a caption need none). */
  labelledBy?: string;
  testId?: string;
  caption?: ReactNode;
  /** Indicators × groups: a wide table whose first column stays in view. */
  matrix?: boolean;
  // Browser tests find some tables by a data-* attribute (e.g. a follow-up group's code).
} & { [data: `data-${string}`]: string | undefined };

export function DashTable({ columns, children, labelledBy, testId, caption, matrix, ...data }: DashTableProps) {
  const captionId = useId();
  const nameId = labelledBy ?? (caption !== undefined ? captionId : undefined);
  return (
    // A wide table scrolls sideways inside its wrapper: the wrapper is a named, focusable region so
    // a keyboard can scroll it too (axe: scrollable-region-focusable).
    <div className="dash-table-wrap" role="region" tabIndex={0} aria-labelledby={nameId}>
      <table className={matrix ? 'dash-table dash-table--matrix' : 'dash-table'} aria-labelledby={labelledBy} data-testid={testId} {...data}>
        {caption !== undefined ? <caption id={captionId}>{caption}</caption> : null}
        <thead>
          <tr>
            {columns.map((c, i) => {
              const { label, title } = typeof c === 'string' ? { label: c, title: undefined } : c;
              // Headings carry no state, so their position is key enough.
              return (
                <th scope="col" key={i} title={title}>
                  {label}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
