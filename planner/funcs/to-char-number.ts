// to_char(number, format) for the common template patterns: 9, 0, . D, , G, S, MI, PL, SG,
// PR, FM, TH/th, EEEE. Other patterns (L currency, V shifting, RN roman numerals) raise 0A000
// rather than print something PostgreSQL would not.

import { DbError } from '../../catalog/index.js';
import { decFormat, decRound, type Dec } from '../eval/decimal.js';

interface NumFormat {
  intSlots: Array<'9' | '0' | ','>;
  fracSlots: Array<'9' | '0'>;
  hasPoint: boolean;
  fm: boolean;
  sign: 'default' | 'S-lead' | 'S-trail' | 'MI' | 'PL' | 'SG' | 'PR';
  th: '' | 'TH' | 'th';
  eeee: boolean;
  prefix: string;
  suffix: string;
}

function parseFormat(fmt: string): NumFormat {
  const f: NumFormat = { intSlots: [], fracSlots: [], hasPoint: false, fm: false, sign: 'default', th: '', eeee: false, prefix: '', suffix: '' };
  let i = 0;
  let seenDigit = false;
  while (i < fmt.length) {
    const rest = fmt.slice(i);
    const up = rest.toUpperCase();
    if (up.startsWith('FM')) { f.fm = true; i += 2; continue; }
    if (up.startsWith('EEEE')) { f.eeee = true; i += 4; continue; }
    if (up.startsWith('MI')) { f.sign = 'MI'; i += 2; continue; }
    if (up.startsWith('PL')) { f.sign = 'PL'; i += 2; continue; }
    if (up.startsWith('SG')) { f.sign = 'SG'; i += 2; continue; }
    if (up.startsWith('PR')) { f.sign = 'PR'; i += 2; continue; }
    if (rest.startsWith('TH') || rest.startsWith('th')) { f.th = rest.startsWith('TH') ? 'TH' : 'th'; i += 2; continue; }
    const c = fmt[i]!;
    const cu = c.toUpperCase();
    if (c === '9' || c === '0') {
      if (f.hasPoint) f.fracSlots.push(c);
      else f.intSlots.push(c);
      seenDigit = true;
    } else if (c === '.' || cu === 'D') {
      f.hasPoint = true;
    } else if (c === ',' || cu === 'G') {
      if (!f.hasPoint) f.intSlots.push(',');
    } else if (cu === 'S') {
      f.sign = seenDigit ? 'S-trail' : 'S-lead';
    } else if (cu === 'L' || cu === 'V' || up.startsWith('RN') || cu === 'B') {
      throw new DbError('0A000', `to_char number pattern "${c}" is not supported yet`);
    } else if (seenDigit) {
      f.suffix += c;
    } else {
      f.prefix += c;
    }
    i++;
  }
  return f;
}

function ordinal(n: bigint, upper: boolean): string {
  const a = Number((n < 0n ? -n : n) % 100n);
  const s = a >= 11 && a <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][a % 10] ?? 'th');
  return upper ? s.toUpperCase() : s;
}

/** Formats a decimal value (floats arrive already converted to decimal text). */
export function toCharNumber(d: Dec, fmt: string): string {
  const f = parseFormat(fmt);
  if (d.kind !== 'num') {
    // PostgreSQL prints NaN/Infinity as '#' in every digit slot.
    return '#'.repeat(f.intSlots.length + f.fracSlots.length + (f.hasPoint ? 1 : 0));
  }
  const neg = d.v < 0n;
  if (f.eeee) {
    const x = Math.abs(Number(decFormat(d)));
    let s = x.toExponential(f.fracSlots.length);
    s = s.replace(/e([+-])(\d)$/, 'e$10$2');
    return (neg ? '-' : f.fm ? '' : ' ') + s;
  }
  const r = decRound(d, f.fracSlots.length) as { v: bigint; scale: number };
  const absDigits = (r.v < 0n ? -r.v : r.v).toString().padStart(r.scale + 1, '0');
  const intDigits = absDigits.slice(0, absDigits.length - r.scale);
  const fracDigits = absDigits.slice(absDigits.length - r.scale);
  const intDigitSlots = f.intSlots.filter((s) => s !== ',').length;
  const intVal = intDigits.replace(/^0+/, '');
  const overflow = intVal.length > intDigitSlots;
  // Integer part, right-aligned into the slots.
  let intOut = '';
  let di = intVal.length - 1;
  let firstZero = f.intSlots.indexOf('0');
  if (firstZero < 0) firstZero = f.intSlots.length;
  const printedFrom: boolean[] = [];
  for (let k = f.intSlots.length - 1; k >= 0; k--) {
    const slot = f.intSlots[k]!;
    if (slot === ',') {
      printedFrom[k] = false;
      intOut = ',' + intOut;
      continue;
    }
    if (overflow) intOut = '#' + intOut;
    else if (di >= 0) intOut = intVal[di--]! + intOut;
    else if (k >= firstZero) intOut = '0' + intOut;
    else intOut = ' ' + intOut;
  }
  // Separators before the first printed digit become spaces; leading spaces fold into padding.
  intOut = intOut.replace(/^[ ,]+/, (m) => ' '.repeat(m.length));
  // A format of only '9's prints "0" for zero integer parts when there is no fraction digit.
  if (!overflow && intVal.length === 0 && f.intSlots.length > 0 && !f.intSlots.includes('0') && f.fracSlots.length === 0) {
    intOut = intOut.slice(0, -1) + '0';
  }
  let fracOut = '';
  for (let k = 0; k < f.fracSlots.length; k++) fracOut += overflow ? '#' : fracDigits[k] ?? '0';
  if (f.fm) {
    // FM: trailing zeros of '9' fraction slots go away, and so does padding.
    let cut = fracOut.length;
    while (cut > 0 && f.fracSlots[cut - 1] === '9' && fracOut[cut - 1] === '0') cut--;
    fracOut = fracOut.slice(0, cut);
  }
  // A decimal point with no fraction slot after it prints nothing (to_char(100, '999.') = ' 100').
  const body = intOut + (f.hasPoint && f.fracSlots.length > 0 ? '.' + fracOut : '');
  const lead = body.length - body.trimStart().length;
  let core = body.trimStart();
  let pad = ' '.repeat(lead);
  if (f.fm) pad = '';
  switch (f.sign) {
    case 'default':
      core = (neg ? '-' : f.fm ? '' : ' ') + core;
      break;
    case 'S-lead':
      core = (neg ? '-' : '+') + core;
      break;
    case 'S-trail':
      core = core + (neg ? '-' : '+');
      break;
    case 'MI':
      core = core + (neg ? '-' : f.fm ? '' : ' ');
      break;
    case 'PL':
      core = (neg ? '-' : '+') + core;
      break;
    case 'SG':
      core = (neg ? '-' : '+') + core;
      break;
    case 'PR':
      core = neg ? '<' + core + '>' : f.fm ? core : ' ' + core + ' ';
      break;
  }
  let out = f.prefix + pad + core + f.suffix;
  if (f.th && !overflow) out += ordinal(BigInt(intVal === '' ? '0' : intVal), f.th === 'TH');
  return out;
}
