import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';
import { forbidden } from '../common/errors';
import type { Actor, Jurisdiction } from '../common/request-context';

/**
 * Platform operators (DESIGN §11): admins named in OPERATORS run the platform both cities share,
 * the queue board's actions (pause, clean, retry, add, promote, remove) and re-matching another
 * city or all cities. One city's admin may look at the board and re-match their own city only.
 */
@Injectable()
export class PlatformOperators {
  private readonly usernames: ReadonlySet<string>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.usernames = new Set(config.operators);
  }

  /** A signed-in admin whose username is in OPERATORS. */
  isOperator(actor: Pick<Actor, 'type'> & { username?: string; role?: string }): boolean {
    return (
      actor.type === 'user' &&
      actor.role === 'admin' &&
      !!actor.username &&
      this.usernames.has(actor.username.toLowerCase())
    );
  }

  /**
   * The jurisdiction a re-match may cover for this caller: an operator any (null: all cities);
   * anyone else only their own, which is also what they get when they name none.
   */
  rematchScope(actor: Actor, own: Jurisdiction, asked: Jurisdiction | null | undefined): Jurisdiction | null {
    if (this.isOperator(actor)) return asked ?? null;
    if (asked && asked !== own)
      throw forbidden(
        'OPERATOR_REQUIRED',
        'Re-matching another city or all cities is for platform operators',
      );
    return own;
  }

  /** Whether the caller may see a re-match of `scope` (null: all cities). */
  mayWatchRematch(actor: Actor, own: Jurisdiction, scope: Jurisdiction | null): boolean {
    return this.isOperator(actor) || scope === own;
  }
}
