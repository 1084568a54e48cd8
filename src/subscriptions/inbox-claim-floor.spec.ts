import { FULL_CLAIM_EVERY_MS, InboxClaimFloor } from './inbox-claim-floor';

describe('InboxClaimFloor', () => {
  function setup() {
    let now = 1_000_000;
    return { floor: new InboxClaimFloor(() => now), advance: (ms: number) => (now += ms) };
  }

  it('claims from the start first, then from the lowest row the last claim returned', () => {
    const { floor } = setup();
    expect(floor.start()).toBeNull();
    floor.claimed(null, ['120', '99', '130']);
    expect(floor.start()).toBe('99');
    floor.claimed('99', ['164', '200']);
    expect(floor.start()).toBe('164');
  });

  it('claims from the start again at least every FULL_CLAIM_EVERY_MS, however busy', () => {
    const { floor, advance } = setup();
    floor.claimed(null, ['10']);
    advance(FULL_CLAIM_EVERY_MS - 1);
    expect(floor.start()).toBe('10');
    floor.claimed('10', ['11']);
    advance(1);
    expect(floor.start()).toBeNull();
    floor.claimed(null, ['5']);
    expect(floor.start()).toBe('5');
  });

  it('after a claim that found nothing, the next one starts from the start', () => {
    const { floor } = setup();
    floor.claimed(null, ['10']);
    floor.claimed('10', []);
    expect(floor.start()).toBeNull();
  });

  it('compares ids as numbers, beyond 2^53', () => {
    const { floor } = setup();
    floor.claimed(null, ['9007199254740993', '9007199254740992', '10000000000000000000']);
    expect(floor.start()).toBe('9007199254740992');
  });
});
