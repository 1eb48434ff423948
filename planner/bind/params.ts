// Parameter types of one statement: given by the client (Parse) or deduced from context, as
// PostgreSQL's variable-parameter mode does. An untyped $n becomes the type of the first
// context that coerces it; a later different deduction is 42P08; one never deduced is 42P18
// (except in a target list, where an unknown output is resolved as text, like PostgreSQL).

import { DbError, TypeOid } from '../../catalog/index.js';
import { typeName } from './types.js';

/** PostgreSQL's limit on parameters in one statement (the wire format counts them in 16 bits). */
export const PARAMS_MAX = 65535;

export class ParamTypes {
  private readonly oids: number[];

  constructor(given: readonly number[]) {
    this.oids = given.map((o) => o);
  }

  /** The known type of $n (1-based), or unknown (705) while undeduced. Extends the list. */
  get(n: number, position: number | undefined): number {
    if (n < 1 || n > PARAMS_MAX) {
      throw new DbError('42P02', `there is no parameter $${n}`, position !== undefined ? { position } : {});
    }
    while (this.oids.length < n) this.oids.push(0);
    const o = this.oids[n - 1]!;
    return o === 0 ? TypeOid.unknown : o;
  }

  /** Records a deduction for $n; 42P08 when it contradicts an earlier one. */
  deduce(n: number, oid: number, position: number | undefined): void {
    const cur = this.oids[n - 1] ?? 0;
    if (cur === 0 || cur === TypeOid.unknown) {
      this.oids[n - 1] = oid;
      return;
    }
    if (cur !== oid) {
      throw new DbError('42P08', `inconsistent types deduced for parameter $${n}`, {
        detail: `${typeName(cur)} versus ${typeName(oid)}`,
        ...(position !== undefined ? { position } : {}),
      });
    }
  }

  /** Final list; 42P18 for any parameter no context typed. */
  finish(): number[] {
    for (let i = 0; i < this.oids.length; i++) {
      const o = this.oids[i]!;
      if (o === 0 || o === TypeOid.unknown) {
        throw new DbError('42P18', `could not determine data type of parameter $${i + 1}`);
      }
    }
    return this.oids.slice();
  }
}
