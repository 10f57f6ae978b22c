// A confirmation dialog (native <dialog>, modal, focus kept inside) for destructive actions:
// discarding a draft, removing a member, voiding a record.
import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface ConfirmDialogProps {
  open: boolean;
  message: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  children?: ReactNode;
  confirmDisabled?: boolean;
  testId?: string;
}

export function ConfirmDialog(props: ConfirmDialogProps) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  return (
    <dialog ref={ref} className="dialog" onCancel={props.onCancel} data-testid={props.testId}>
      <p className="dialog__message">{props.message}</p>
      {props.children}
      <div className="dialog__actions">
        <button type="button" className="btn" onClick={props.onCancel} data-testid={props.testId ? `${props.testId}-back` : undefined}>
          {t('app.goBack')}
        </button>
        <button
          type="button"
          className="btn btn--danger"
          onClick={props.onConfirm}
          disabled={props.confirmDisabled}
          data-testid={props.testId ? `${props.testId}-confirm` : undefined}
        >
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
