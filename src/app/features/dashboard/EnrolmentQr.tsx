// The enrolment link as a QR code: volunteers at a briefing scan it instead of typing the ward
// and code on a phone keyboard. Drawn as SVG (an <img> with a data: URL, allowed by the CSP).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import QRCode from 'qrcode';

export function EnrolmentQr({ link }: { link: string }) {
  const { t } = useTranslation();
  const [src, setSrc] = useState<string>();
  useEffect(() => {
    let alive = true;
    void QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }).then((svg) => {
      if (alive) setSrc(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
    });
    return () => {
      alive = false;
    };
  }, [link]);
  if (!src) return null;
  return <img className="dash-qr" src={src} width={240} height={240} alt={t('dashboard.devices.qrAlt')} data-testid="dash-code-qr" />;
}
