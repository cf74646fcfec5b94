/** The statuses a call ends in: nothing holds such a call any more, so nothing forwards or fails it. */
export const FINAL_STATUSES: readonly string[] = ['completed', 'busy', 'no_answer', 'failed', 'canceled'];
