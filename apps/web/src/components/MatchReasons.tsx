import { Tag, Tooltip, Typography } from 'antd';
import type { EdgeStrength, Reason } from '../api/types';
import { useI18n } from '../i18n/context';
import { linkSentence, splitLinkReason } from '../lib/match-reasons';

/** A partner's chain link: 核心配套 / 一般配套 with the sentence that names the link. */
export function LinkStrength({ strength, reasons }: { strength?: EdgeStrength | null; reasons: Reason[] }) {
  const { enumLabel } = useI18n();
  const { strength: s, link } = splitLinkReason(reasons, strength);
  if (!s) return null;
  return (
    <div data-testid="link-strength" data-strength={s} style={{ marginBottom: 4 }}>
      <Tag
        color={s === 'core' ? 'blue' : 'default'}
        style={s === 'supporting' ? { borderStyle: 'dashed' } : undefined}
      >
        {enumLabel(s)}
      </Tag>
      {link && <Typography.Text strong>{linkSentence(link.text)}</Typography.Text>}
    </div>
  );
}

/** Reasons as sentences in the reader's language; the stable code only as a tooltip. */
export function ReasonList({ reasons }: { reasons: { code: string; text: string }[] }) {
  return (
    <ul style={{ margin: 0, paddingLeft: 18 }}>
      {reasons.map((r, i) => (
        <li key={i} data-reason-code={r.code}>
          <Tooltip title={r.code}>
            <span>{r.text}</span>
          </Tooltip>
        </li>
      ))}
    </ul>
  );
}

/** A match's reasons: the strength of its link first (partners), then the others. */
export function MatchReasons({ strength, reasons }: { strength?: EdgeStrength | null; reasons: Reason[] }) {
  return (
    <>
      <LinkStrength strength={strength} reasons={reasons} />
      <ReasonList reasons={splitLinkReason(reasons, strength).others} />
    </>
  );
}
