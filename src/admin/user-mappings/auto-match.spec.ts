import { autoMatch } from './auto-match';

// The sample CRM's demo users (sim/crm README): each covers one App Connect auto-mapping case.
const CRM = [
  { id: 'usr_1001', name: 'Alice Anderson', email: 'alice.anderson@example.com' },
  { id: 'usr_1002', name: 'Bob Brown', email: 'bob.brown@example.com' },
  { id: 'usr_1003', name: 'Clark, Carol', email: 'carol.clark@example.com' },
  { id: 'usr_1004', name: 'Dave Davis' },
  { id: 'usr_1005', name: 'Temp Contractor', email: 'contractor@example.org' },
];

describe('autoMatch', () => {
  it('matches by email first, whatever the names say', () => {
    const { matched } = autoMatch([{ extensionId: '1', name: 'Someone Else', email: ' Carol.Clark@Example.com ' }], CRM);
    expect(matched).toEqual([{ rcExtensionId: '1', crmUserId: 'usr_1003', rule: 'email' }]);
  });

  it('then by the exact display name (case and spacing aside), then by "first last"', () => {
    const { matched } = autoMatch(
      [
        { extensionId: '1', name: 'alice   ANDERSON', email: 'alice@other.example' },
        { extensionId: '2', name: 'Bobby', firstName: 'Bob', lastName: 'Brown' },
      ],
      CRM,
    );
    expect(matched).toEqual([
      { rcExtensionId: '1', crmUserId: 'usr_1001', rule: 'name' },
      { rcExtensionId: '2', crmUserId: 'usr_1002', rule: 'first-last' },
    ]);
  });

  it('never matches on a missing value: no email does not equal no email, an empty name is no name', () => {
    const result = autoMatch([{ extensionId: '1', name: '', firstName: 'Dave', lastName: '', email: '' }], [{ id: 'u', name: '', email: '' }, ...CRM]);
    expect(result).toEqual({ matched: [], ambiguous: [], unmatched: ['1'] });
  });

  it('does not read "Last, First" as "First Last" (that user matches by email only)', () => {
    expect(autoMatch([{ extensionId: '1', name: 'Carol Clark', firstName: 'Carol', lastName: 'Clark' }], CRM).unmatched).toEqual(['1']);
  });

  it('leaves a tie unmapped and says who the candidates were, without falling through to a weaker rule', () => {
    const crm = [
      { id: 'a', name: 'Pat Lee', email: 'pat@example.com' },
      { id: 'b', name: 'Pat Lee (old)', email: 'PAT@example.com' },
      { id: 'c', name: 'Pat Lee' },
    ];
    expect(autoMatch([{ extensionId: '1', name: 'Pat Lee', email: 'pat@example.com' }], crm)).toEqual({
      matched: [],
      ambiguous: [{ rcExtensionId: '1', rule: 'email', crmUserIds: ['a', 'b'] }],
      unmatched: [],
    });
    expect(autoMatch([{ extensionId: '2', name: 'Pat Lee' }], crm).ambiguous).toEqual([{ rcExtensionId: '2', rule: 'name', crmUserIds: ['a', 'c'] }]);
  });

  it('lets several extensions match one CRM user', () => {
    const { matched } = autoMatch(
      [
        { extensionId: '1', email: 'bob.brown@example.com' },
        { extensionId: '2', name: 'Bob Brown' },
      ],
      CRM,
    );
    expect(matched.map((m) => m.crmUserId)).toEqual(['usr_1002', 'usr_1002']);
  });
});
