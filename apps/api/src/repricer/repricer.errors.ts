import { ConflictError, ValidationFailedError } from '@synq/common';

/** An invalid combination of rule fields, naming the field to fix. */
export class RuleInvalidError extends ValidationFailedError {
  constructor(field: string, message: string) {
    super(message, [{ field, message }]);
  }
}

export class RuleLimitError extends ConflictError {
  constructor(max: number) {
    super(`A tenant can have at most ${max} repricer rules`, 'REPRICER_RULE_LIMIT');
  }
}
