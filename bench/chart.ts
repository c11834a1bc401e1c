/** One bar: a scenario and its requests/s as a fraction of the ceiling's. */
export interface ChartBar {
  label: string;
  ratio: number;
  requestsPerSecond: number;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A horizontal bar chart of ratios to the ceiling, as a self-contained SVG document (no dependency). */
export function ratioChart(title: string, subtitle: string, bars: ChartBar[]): string {
  // About 7 px a character at 13 px sans-serif: room for the longest label.
  const labelWidth = Math.max(200, 20 + 7 * Math.max(...bars.map((b) => b.label.length)));
  const barWidth = 420;
  const rowHeight = 26;
  const top = 58;
  const width = labelWidth + barWidth + 150;
  const height = top + bars.length * rowHeight + 34;
  const scale = Math.max(1, ...bars.map((b) => b.ratio));
  const rows = bars.map((bar, i) => {
    const y = top + i * rowHeight;
    const w = Math.max(1, (bar.ratio / scale) * barWidth);
    const fill = bar.label.startsWith('ceiling') ? '#9aa5b1' : bar.label.startsWith('peer') ? '#d9822b' : '#2b6cb0';
    return [
      `<text x="${labelWidth - 10}" y="${y + 17}" text-anchor="end">${escape(bar.label)}</text>`,
      `<rect x="${labelWidth}" y="${y + 4}" width="${w.toFixed(1)}" height="${rowHeight - 8}" fill="${fill}"/>`,
      `<text x="${(labelWidth + w + 6).toFixed(1)}" y="${y + 17}">${bar.ratio.toFixed(3)} (${bar.requestsPerSecond.toLocaleString('en-US')}/s)</text>`,
    ].join('');
  });
  const axisY = top + bars.length * rowHeight + 4;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((t) => {
    const x = labelWidth + (t / scale) * barWidth;
    return `<line x1="${x}" y1="${top}" x2="${x}" y2="${axisY}" stroke="#ddd"/><text x="${x}" y="${axisY + 16}" text-anchor="middle" fill="#666">${t}</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="22" font-size="16" font-weight="bold">${escape(title)}</text>`,
    `<text x="10" y="42" fill="#666">${escape(subtitle)}</text>`,
    ...ticks,
    ...rows,
    '</svg>',
    '',
  ].join('\n');
}
