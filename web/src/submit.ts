import { ref } from 'vue';
import { errorMessage, fieldErrors } from './api.ts';
import { announce } from './status.ts';

type FieldErrors = Record<string, string[]>;

/**
 * A form's submission: `busy` while `send` runs, DRF's field errors (cleared on each try) for the
 * fields to show, and a failure announced. `send` announces its own success. `shown` picks what
 * the form shows of the field errors (see `withLinkErrors`).
 */
export function useSubmit(send: () => Promise<void>, shown: (fields: FieldErrors) => FieldErrors = (fields) => fields) {
  const busy = ref(false);
  const errors = ref<FieldErrors>({});
  const submit = async () => {
    busy.value = true;
    errors.value = {};
    try {
      await send();
    } catch (error) {
      errors.value = shown(fieldErrors(error));
      announce(errorMessage(error), 'error');
    } finally {
      busy.value = false;
    }
  };
  return { busy, errors, submit };
}

/** An emailed link's `uid` and `token` have no field on the page: their errors show with the non-field ones. */
export function withLinkErrors(fields: FieldErrors): FieldErrors {
  return { ...fields, non_field_errors: [...(fields.non_field_errors ?? []), ...(fields.uid ?? []), ...(fields.token ?? [])] };
}
