import { Alert, App, Button, Input, Modal, Space, type InputRef } from 'antd';
import { CheckOutlined, CopyOutlined } from '@ant-design/icons';
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../../i18n/context';
import { copyText } from '../../lib/clipboard';

/**
 * A secret returned once (API key or webhook signing secret): shown with a copy button and a
 * warning, and unmounted when closed so it is nowhere in the page afterwards.
 */
export function SecretOnce({
  title,
  secret,
  onClose,
}: {
  title: string;
  secret: string | null;
  onClose(): void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const input = useRef<InputRef>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => setCopied(false), [secret]);
  const copy = async () => {
    if (await copyText(secret ?? '')) {
      setCopied(true);
      message.success(t('copied'));
    } else {
      // Leave it selected so Ctrl+C works.
      input.current?.select();
      message.warning(t('copyFailed'));
    }
  };
  return (
    <Modal
      open={!!secret}
      onCancel={onClose}
      onOk={onClose}
      title={title}
      okText={t('secretSaved')}
      maskClosable={false}
      destroyOnHidden
      cancelButtonProps={{ style: { display: 'none' } }}
    >
      <Alert type="warning" showIcon title={t('keyOnce')} style={{ marginBottom: 12 }} />
      <Space.Compact style={{ width: '100%' }}>
        <Input
          ref={input}
          readOnly
          value={secret ?? ''}
          aria-label={title}
          style={{ fontFamily: 'monospace' }}
          data-testid="secret-once"
          onFocus={(e) => e.target.select()}
        />
        <Button
          type="primary"
          icon={copied ? <CheckOutlined /> : <CopyOutlined />}
          onClick={copy}
          data-testid="copy-secret"
        >
          {copied ? t('copied') : t('copy')}
        </Button>
      </Space.Compact>
    </Modal>
  );
}
