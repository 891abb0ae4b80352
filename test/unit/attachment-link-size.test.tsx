import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import type { Attachment } from '../../src/platform/files/tables.ts';
import { formatSize } from '../../src/platform/files/attachments.ts';
import { AttachmentList } from '../../src/ui/components/attachments.tsx';

describe('the size of every download link', () => {
  it('reads as the citizen’s document links do (« PDF – 1 Ko »), on an agent’s list of pieces too', () => {
    const piece = { id: 7, purpose: 'piece', filename: 'acte.pdf', mime: 'application/pdf', size_bytes: 300, created_at: new Date('2026-12-01T09:00:00Z'), review_status: 'pending', review_reason: null, review_note: null } as unknown as Attachment;
    const html = renderToString(<AttachmentList items={[piece]} hrefFor={(a) => `/agents/pieces/${a.id}`} />);
    expect(html).toContain('PDF – 1 Ko, envoyée le');
    expect(html).not.toMatch(/PDF, \d+ ko/);
    expect(formatSize(1.2 * 1024 * 1024)).toBe('1,2 Mo');
    expect(formatSize(45 * 1024)).toBe('45 Ko');
  });
});
