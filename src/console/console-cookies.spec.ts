import { clearCookie, readCookie, setCookie } from './console-cookies';

describe('console cookies', () => {
  it('reads one cookie among others, decoded, and nothing from a look-alike name', () => {
    expect(readCookie('a=1; sscl_console=abc%2Fd; sscl_console_login=zzz', 'sscl_console')).toBe('abc/d');
    expect(readCookie('xsscl_console=1', 'sscl_console')).toBeUndefined();
    expect(readCookie(undefined, 'sscl_console')).toBeUndefined();
    expect(readCookie('sscl_console=%E0%A4%A', 'sscl_console')).toBeUndefined();
  });

  it('sets HttpOnly, SameSite=Lax, Secure only on https, and clears with Max-Age=0', () => {
    expect(setCookie('s', 'v', { secure: false, path: '/', maxAgeSeconds: 60 })).toBe('s=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax');
    expect(setCookie('s', 'v', { secure: true, path: '/', maxAgeSeconds: 60 })).toMatch(/; Secure$/);
    expect(clearCookie('s', { secure: false, path: '/x' })).toBe('s=; Path=/x; Max-Age=0; HttpOnly; SameSite=Lax');
  });
});
