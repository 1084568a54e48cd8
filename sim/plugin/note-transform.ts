import type { LoggingPayload, PluginConfig, PluginTransform, TransformContext } from './plugin-options';

/** The config field (manifest pageContent) whose value replaces the note marker, proving config reaches the plugin. */
export const MARKER_CONFIG_FIELD = 'suffix';

export function defaultMarker(name: string): string {
  return `[plugin:${name}]`;
}

/** `config.<field>.value` when it is a non-empty string: App Connect may send null config or omit values. */
export function configText(config: PluginConfig, field: string): string | undefined {
  const entry = config?.[field];
  const value = entry !== null && typeof entry === 'object' ? (entry as { value?: unknown }).value : undefined;
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/**
 * Runs the configured transform on a copy of `data`. The marker form appends to `note` only when the payload has a
 * string note: adding a note to an update payload that had none would overwrite the CRM note.
 */
export async function transformPayload(transform: PluginTransform, data: LoggingPayload, context: TransformContext): Promise<LoggingPayload> {
  const copy = structuredClone(data);
  if (typeof transform === 'function') return transform(copy, context);
  const marker = configText(context.config, MARKER_CONFIG_FIELD) ?? transform.appendToNote;
  if (typeof copy.note !== 'string') return copy;
  return { ...copy, note: copy.note === '' ? marker : `${copy.note} ${marker}` };
}
