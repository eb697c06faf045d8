/**
 * Test identities: ID numbers are generated with a valid GB 11643 check character for any
 * birth date, so tests can state ages exactly. None of these are real people.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function idNumberFor(birthDate: string, sequence = 1, region = '110101'): string {
  const body = `${region}${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  const sum = [...body].reduce((acc, ch, i) => acc + Number(ch) * WEIGHTS[i]!, 0);
  return body + CHECK[sum % 11];
}

let counter = 0;
/** A fresh person (unique ID number) born on `birthDate`. */
export function person(birthDate: string, name = '张三'): { name: string; idNumber: string } {
  counter += 1;
  return { name, idNumber: idNumberFor(birthDate, (counter % 999) + 1, String(110101 + Math.floor(counter / 999))) };
}
