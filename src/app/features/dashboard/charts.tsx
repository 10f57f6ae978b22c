// Two small charts drawn as inline SVG (no chart library: the dashboard stays a few KB). Each
// chart sits next to a table with the same figures and is hidden from screen readers, which
// read the table; its title names it for sighted users hovering.
export interface Bar {
  label: string;
  /** 0..1, or null (no data: no bar). */
  value: number | null;
  text: string;
}

const COLORS = ['#b91c1c', '#1d4ed8', '#047857', '#7c3aed', '#b45309', '#0f766e'];
export const seriesColor = (i: number) => COLORS[i % COLORS.length]!;

/** Horizontal bars 0–100 %, one per row, with an optional target line. */
export function BarChart({ bars, target, title }: { bars: Bar[]; target: number | null; title: string }) {
  const labelW = 150;
  const barW = 260;
  const textW = 70;
  const rowH = 28;
  const width = labelW + barW + textW;
  const height = bars.length * rowH + 24;
  return (
    <svg className="dash-chart" viewBox={`0 0 ${width} ${height}`} aria-hidden="true" data-testid="bar-chart">
      <title>{title}</title>
      {bars.map((b, i) => {
        const y = i * rowH + 4;
        const w = b.value === null ? 0 : Math.max(0, Math.min(1, b.value)) * barW;
        return (
          <g key={b.label}>
            <text x={labelW - 6} y={y + 15} textAnchor="end">
              {b.label.length > 22 ? `${b.label.slice(0, 21)}…` : b.label}
            </text>
            <rect x={labelW} y={y} width={barW} height={rowH - 8} fill="#eee" />
            <rect x={labelW} y={y} width={w} height={rowH - 8} fill={COLORS[0]} />
            <text x={labelW + barW + 6} y={y + 15}>
              {b.text}
            </text>
          </g>
        );
      })}
      {target !== null ? (
        <line x1={labelW + target * barW} x2={labelW + target * barW} y1={0} y2={bars.length * rowH} stroke="#111" strokeWidth={2} strokeDasharray="4 3" />
      ) : null}
      {[0, 0.5, 1].map((v) => (
        <text key={v} x={labelW + v * barW} y={height - 4} textAnchor="middle">
          {`${v * 100}%`}
        </text>
      ))}
    </svg>
  );
}

export interface Series {
  label: string;
  /** One value (0..1 or null) per x label. */
  values: (number | null)[];
}

/** Lines 0–100 % over the weeks. */
export function LineChart({ xLabels, series, title }: { xLabels: string[]; series: Series[]; title: string }) {
  const left = 40;
  const top = 10;
  const w = 520;
  const h = 220;
  const n = Math.max(1, xLabels.length - 1);
  const x = (i: number) => left + (i / n) * w;
  const y = (v: number) => top + (1 - Math.max(0, Math.min(1, v))) * h;
  return (
    <svg className="dash-chart" viewBox={`0 0 ${left + w + 20} ${top + h + 40}`} aria-hidden="true" data-testid="line-chart">
      <title>{title}</title>
      {[0, 0.25, 0.5, 0.75, 1].map((v) => (
        <g key={v}>
          <line x1={left} x2={left + w} y1={y(v)} y2={y(v)} stroke="#ccc" />
          <text x={left - 4} y={y(v) + 4} textAnchor="end">{`${v * 100}%`}</text>
        </g>
      ))}
      {xLabels.map((label, i) =>
        xLabels.length <= 12 || i % Math.ceil(xLabels.length / 12) === 0 ? (
          <text key={label} x={x(i)} y={top + h + 18} textAnchor="middle">
            {label.replace(/^\d{4}-/, '')}
          </text>
        ) : null,
      )}
      {series.map((s, si) => {
        let d = '';
        s.values.forEach((v, i) => {
          if (v === null) return;
          d += `${d === '' || s.values[i - 1] === null ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)} `;
        });
        return (
          <g key={s.label}>
            <path d={d} fill="none" stroke={seriesColor(si)} strokeWidth={2.5} />
            {s.values.map((v, i) => (v === null ? null : <circle key={i} cx={x(i)} cy={y(v)} r={3} fill={seriesColor(si)} />))}
          </g>
        );
      })}
    </svg>
  );
}
