// "Xuất hồ sơ chưa gửi": when the phone cannot reach the ward (broken screen, no network, a
// volunteer leaving), it exports its unsynced records and drafts as one file, sealed to the ward
// and signed by this phone (rescue-export.ts), to be shared by any means (Zalo, USB, Bluetooth)
// and uploaded by ward staff on the dashboard. Behind the PIN; works offline; deletes nothing.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { appDb } from '../../storage/app-db.js';
import { saveBlob } from '../../ui/save-blob.js';
import { buildRescueFile, rescueContents, type RescueBuild, type RescueContents, type RescueProblem } from './rescue-export.js';

type Built = Extract<RescueBuild, { ok: true }>;


interface ShareNavigator {
  canShare?: (data: { files: File[] }) => boolean;
  share?: (data: { files: File[]; title?: string }) => Promise<void>;
}

export default function RescueScreen() {
  const { t } = useTranslation();
  const [contents, setContents] = useState<RescueContents | 'locked'>();
  const [busy, setBusy] = useState(false);
  const [built, setBuilt] = useState<Built>();
  const [problem, setProblem] = useState<RescueProblem | 'failed'>();
  const [shared, setShared] = useState<'shared' | 'saved'>();

  useEffect(() => {
    let live = true;
    void rescueContents(appDb).then((c) => live && setContents(c), () => live && setContents('locked'));
    return () => {
      live = false;
    };
  }, []);

  const build = async () => {
    setBusy(true);
    setProblem(undefined);
    setShared(undefined);
    try {
      const result = await buildRescueFile(appDb);
      if (result.ok) setBuilt(result);
      else setProblem(result.problem);
    } catch {
      setProblem('failed');
    } finally {
      setBusy(false);
    }
  };

  const fileOf = (b: Built) => new File([b.text], b.fileName, { type: 'application/json' });
  const nav = navigator as Navigator & ShareNavigator;
  const canShare = (b: Built) => typeof nav.share === 'function' && nav.canShare?.({ files: [fileOf(b)] }) === true;
  const share = async (b: Built) => {
    try {
      await nav.share!({ files: [fileOf(b)], title: b.fileName });
      setShared('shared');
    } catch {
      // Cancelled by the volunteer, or the target app refused: the download is still there.
    }
  };
  const download = (b: Built) => {
    saveBlob(new Blob([b.text], { type: 'application/json' }), b.fileName);
    setShared('saved');
  };

  const total = contents && contents !== 'locked' ? contents.households + contents.assistances + contents.drafts : 0;
  return (
    <div className="rescue">
      <h2>{t('rescue.title')}</h2>
      <p>{t('rescue.intro')}</p>
      <p className="hint">{t('rescue.keeps')}</p>
      {contents === undefined ? <p className="notice">{t('app.loading')}</p> : null}
      {contents === 'locked' ? <p className="banner banner--error">{t('rescue.problem.locked')}</p> : null}
      {contents && contents !== 'locked' ? (
        <>
          <p
            className="notice"
            data-testid="rescue-contents"
            data-records={contents.households + contents.assistances}
            data-drafts={contents.drafts}
          >
            {t('rescue.contents', {
              households: contents.households,
              assistances: contents.assistances,
              drafts: contents.drafts,
            })}
          </p>
          {contents.keyRegistered !== 'yes' ? (
            <p className="banner banner--warn" role="alert" data-testid="rescue-key-warning">
              {t(contents.keyRegistered === 'other' ? 'rescue.keyOther' : 'rescue.keyMissing')}
            </p>
          ) : null}
          <button type="button" className="btn btn--primary btn--block" onClick={() => void build()} disabled={busy || total === 0} data-testid="rescue-build">
            {busy ? t('rescue.building') : t('rescue.build')}
          </button>
          {total === 0 ? <p className="notice">{t('rescue.nothing')}</p> : null}
        </>
      ) : null}
      {problem ? (
        <p className="banner banner--error" role="alert" data-testid="rescue-problem">
          {t(`rescue.problem.${problem}`)}
        </p>
      ) : null}
      {built ? (
        <section className="rescue__file" data-testid="rescue-built" data-file-name={built.fileName}>
          <p role="status">
            {t('rescue.built', {
              name: built.fileName,
              records: built.file.envelope.records,
              drafts: built.file.envelope.drafts,
            })}
          </p>
          {canShare(built) ? (
            <button type="button" className="btn btn--primary btn--block" onClick={() => void share(built)} data-testid="rescue-share">
              {t('rescue.share')}
            </button>
          ) : null}
          <button type="button" className="btn btn--block" onClick={() => download(built)} data-testid="rescue-download">
            {t('rescue.download')}
          </button>
          {shared ? <p className="hint">{t(shared === 'shared' ? 'rescue.sharedNext' : 'rescue.savedNext')}</p> : null}
        </section>
      ) : null}
      <a className="btn btn--block" href="#/">
        {t('app.home')}
      </a>
    </div>
  );
}
