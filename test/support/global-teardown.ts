import { rm } from 'node:fs/promises';

export default async function globalTeardown(): Promise<void> {
  const state = globalThis as { __SSCL_PG__?: { stop(): Promise<void> } };
  if (!state.__SSCL_PG__) return;
  await state.__SSCL_PG__.stop();
  state.__SSCL_PG__ = undefined;
  if (process.env.SSCL_TEST_PG_DATA_DIR) await rm(process.env.SSCL_TEST_PG_DATA_DIR, { recursive: true, force: true });
}
