import type { SeedData } from './crm.types';

/** The key `main.ts` accepts when CRM_API_KEY is not set. Demo only. */
export const DEMO_API_KEY = 'sample-crm-demo-key';

/**
 * Numbers worth knowing when writing tests against the demo data (E.164).
 * `duplicate` belongs to two contacts; `unknown` to none.
 */
export const DEMO_NUMBERS = {
  jane: '+16505550101',
  john: '+16505550102',
  acmeMain: '+16505550103',
  acmeAlt: '+16505550104',
  duplicate: '+16505550105',
  london: '+442079460958',
  unknown: '+16505550199',
} as const;

/**
 * Users follow the RingCentral simulator's default extensions (Alice Anderson, Bob Brown, Carol Clark, Dave Davis)
 * and cover each way App Connect's user auto-mapping can go: exact "First Last" name (1001, 1002), email only with
 * the name written "Last, First" (1003; the simulator gives its users per-account email domains, so a test that
 * wants this match sets the extension's email to carol.clark@example.com), name only with no email (1004, which
 * must not match an extension without email either), and a user nobody maps to (1005).
 *
 * Contacts store phones in the formats people type. The two 555-0105 contacts differ so that each multi-match
 * policy picks a different one: earliest created -> con_2004, most recent activity -> con_2005, first
 * alphabetical -> con_2005 ("Dan" < "Dana").
 */
export const DEMO_SEED: Required<SeedData> = {
  users: [
    { id: 'usr_1001', name: 'Alice Anderson', email: 'alice.anderson@example.com' },
    { id: 'usr_1002', name: 'Bob Brown', email: 'bob.brown@example.com' },
    { id: 'usr_1003', name: 'Clark, Carol', email: 'carol.clark@example.com' },
    { id: 'usr_1004', name: 'Dave Davis' },
    { id: 'usr_1005', name: 'Temp Contractor', email: 'contractor@example.org' },
  ],
  contacts: [
    {
      id: 'con_2001', name: 'Jane Customer', type: 'Contact', phones: ['+1 (650) 555-0101'],
      createdAt: '2024-01-10T09:00:00.000Z', lastActivityAt: '2024-05-02T15:30:00.000Z',
    },
    {
      id: 'con_2002', name: 'John Prospect', type: 'Lead', phones: ['650-555-0102'],
      createdAt: '2024-02-11T10:00:00.000Z', lastActivityAt: null,
    },
    {
      id: 'con_2003', name: 'Acme Front Desk', type: 'Contact', phones: ['+16505550103', '6505550104'],
      createdAt: '2024-03-12T11:00:00.000Z', lastActivityAt: '2024-03-20T08:00:00.000Z',
    },
    {
      id: 'con_2004', name: 'Dana Duplicate', type: 'Contact', phones: ['+1 650 555 0105'],
      createdAt: '2024-04-01T12:00:00.000Z', lastActivityAt: '2024-05-20T12:00:00.000Z',
    },
    {
      id: 'con_2005', name: 'Dan Duplicate', type: 'Lead', phones: ['(650) 555-0105'],
      createdAt: '2024-06-01T12:00:00.000Z', lastActivityAt: '2024-07-01T12:00:00.000Z',
    },
    {
      id: 'con_2006', name: 'Oliver London', type: 'Contact', phones: ['+44 20 7946 0958'],
      createdAt: '2024-07-15T13:00:00.000Z', lastActivityAt: null,
    },
  ],
};
