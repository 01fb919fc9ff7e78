import { runDatastoreContract } from './contract.js';
import { createMemoryDatastore } from './memory.js';

runDatastoreContract('memory', async () => {
  const ds = createMemoryDatastore();
  return { ds, dispose: () => ds.close() };
});
