import { DEFAULT_LOGGING_SETTINGS } from '../accounts/logging-settings';
import { composeLogDetails, recordSections, upsertSections } from './log-composer';

const input = { direction: 'Inbound' as const, kind: 'answered' as const, result: 'Accepted', contactName: 'Jane', startTime: new Date('2026-01-01T10:00:00Z'), durationSeconds: 58 };

describe('upsertSections (staged update onto the current body)', () => {
  it.each(['text/plain', 'text/markdown', 'text/html'] as const)('%s: replaces the record sections in place and keeps what a person added', (format) => {
    const created = composeLogDetails(format, input, DEFAULT_LOGGING_SETTINGS.logDetails);
    const edited = `${created}\nCustomer asked for a callback on Monday.`;
    const items = recordSections({ durationSeconds: 63, result: 'Call connected', recordingLink: 'https://media.example/rec/1' }, DEFAULT_LOGGING_SETTINGS.logDetails);
    const updated = upsertSections(format, edited, items);
    expect(updated).toContain('Customer asked for a callback on Monday.');
    expect(updated).toContain('1 minute, 3 seconds');
    expect(updated).not.toContain('58 seconds');
    expect(updated).toContain('Call connected');
    expect(updated).toContain('https://media.example/rec/1');
    expect(updated.match(/Duration/g)).toHaveLength(1);
    // Applying the same update again changes nothing.
    expect(upsertSections(format, updated, items)).toBe(updated);
  });

  it('adds a section the body does not have yet (html: inside the list)', () => {
    expect(upsertSections('text/html', '<ul><li><b>Result</b>: Missed</li></ul>', [['Voicemail recording link', 'https://x/vm']])).toBe(
      '<ul><li><b>Result</b>: Missed</li><li><b>Voicemail recording link</b>: <a target="_blank" href="https://x/vm">open</a></li></ul>',
    );
    expect(upsertSections('text/plain', 'my own text', [['Duration', '3 seconds']])).toBe('my own text\n- Duration: 3 seconds');
  });

  it('respects the admin toggles', () => {
    expect(recordSections({ durationSeconds: 1, result: 'Accepted', recordingLink: 'https://r' }, { ...DEFAULT_LOGGING_SETTINGS.logDetails, recording: false, duration: false })).toEqual([['Result', 'Accepted']]);
  });
});
