import { describe, expect, it } from 'vitest';
import {
  frameAncestorsDirective,
  parseFrameAncestor,
} from '../../../functions/core/portal/frameAncestors.ts';

describe('frame ancestors', () => {
  it('normalises origins', () => {
    expect(parseFrameAncestor('https://App.Example.com:443/')).toBe('https://app.example.com');
    expect(parseFrameAncestor('http://localhost:3000')).toBe('http://localhost:3000');
  });

  it('refuses anything that could widen or break the header', () => {
    for (const bad of [
      'app.example.com',
      "'self'",
      'https://a.example; script-src *',
      'https://a.example/path',
      'https://a.example?x=1',
      'https://user:pw@a.example',
      'https://*.example.com',
      'javascript:alert(1)',
    ]) {
      expect(() => parseFrameAncestor(bad), bad).toThrow(/is not an origin/);
    }
  });

  it("writes 'none' when no origin is listed", () => {
    expect(frameAncestorsDirective([])).toBe("frame-ancestors 'none'");
    expect(frameAncestorsDirective(['https://a.example', 'https://b.example'])).toBe(
      'frame-ancestors https://a.example https://b.example',
    );
  });
});
