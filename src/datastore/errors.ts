// Errors the contract (types.ts) leaves untyped, with etcd's own message text so logs read the same
// whichever backend is running.

/** Upstream: go.etcd.io/etcd/server/mvcc, ErrFutureRev. */
export const FUTURE_REVISION_MESSAGE = 'mvcc: required revision is a future revision';

export function futureRevisionError(): Error {
  const err = new Error(FUTURE_REVISION_MESSAGE);
  err.name = 'FutureRevisionError';
  return err;
}

export function closedError(): Error {
  const err = new Error('datastore is closed');
  err.name = 'DatastoreClosedError';
  return err;
}
