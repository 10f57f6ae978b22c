// Draws the app icons (a white door on the theme red) as PNGs without any image tool:
// the machines that build this project have no ImageMagick. Run once; the PNGs are committed.
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
};

function icon(size, safeZone) {
  const red = [0xb9, 0x1c, 0x1c];
  const white = [0xff, 0xff, 0xff];
  const knob = [0xf5, 0x9e, 0x0b];
  // The door fills the middle; a maskable icon keeps it inside the 80% safe zone.
  const scale = safeZone ? 0.6 : 0.8;
  const doorW = Math.round(size * 0.36 * scale / 0.8);
  const doorH = Math.round(size * 0.56 * scale / 0.8);
  const x0 = Math.round((size - doorW) / 2);
  const y0 = Math.round((size - doorH) / 2);
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      let px = red;
      const inDoor = x >= x0 && x < x0 + doorW && y >= y0 && y < y0 + doorH;
      if (inDoor) {
        px = white;
        const kx = x0 + doorW * 0.78, ky = y0 + doorH * 0.55, r = Math.max(2, size * 0.025);
        if ((x - kx) ** 2 + (y - ky) ** 2 <= r * r) px = knob;
      }
      row.set(px, 1 + x * 3);
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 2; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync('public/icons', { recursive: true });
writeFileSync('public/icons/icon-192.png', icon(192, false));
writeFileSync('public/icons/icon-512.png', icon(512, false));
writeFileSync('public/icons/icon-maskable-512.png', icon(512, true));
writeFileSync('public/icons/apple-touch-icon-180.png', icon(180, false));
// The tab's icon (index.html): Chrome downloads and decodes it on the page's main thread once the
// page has loaded, and an SVG one is a whole document to parse and lay out there (about 10 ms at
// 4× CPU, before a warm start's Home was up); a 32×32 PNG decodes in a fraction of that.
writeFileSync('public/icons/favicon-32.png', icon(32, false));
