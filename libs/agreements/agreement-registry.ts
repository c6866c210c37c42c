import { Injectable } from '@nestjs/common';
import type { AgreementKind } from './agreement';

/**
 * The kinds of agreement the running service knows (DESIGN §14). Domain modules register theirs
 * when they start (collisions: `collision.resolve`; parks: `park.jurisdictions`; later action
 * items and joint events); an agreement of an unregistered kind cannot be proposed or decided.
 */
@Injectable()
export class AgreementRegistry {
  private readonly kinds = new Map<string, AgreementKind<unknown>>();

  register<C>(kind: AgreementKind<C>): void {
    if (this.kinds.has(kind.kind)) throw new Error(`agreement kind ${kind.kind} registered twice`);
    this.kinds.set(kind.kind, kind as AgreementKind<unknown>);
  }

  get(kind: string): AgreementKind<unknown> {
    const found = this.kinds.get(kind);
    if (!found) throw new Error(`agreement kind ${kind} is not registered`);
    return found;
  }

  list(): string[] {
    return [...this.kinds.keys()].sort();
  }
}
