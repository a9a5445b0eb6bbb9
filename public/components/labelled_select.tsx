/*
 * A compact labelled select, as the list pages use it for their URL-bound filters and sort order. Its name is
 * its visible label (the form row's <label for>), so what is read out is what is seen (WCAG 2.5.3).
 */
import { EuiFormRow, EuiSelect } from '@elastic/eui';

export interface LabelledSelectProps {
  label: string;
  value: string;
  options: Array<{ value: string; text: string }>;
  onChange: (value: string) => void;
  testSubj: string;
}

export function LabelledSelect({ label, value, options, onChange, testSubj }: LabelledSelectProps) {
  return (
    <EuiFormRow label={label} display="rowCompressed">
      <EuiSelect
        compressed
        value={value}
        onChange={(e) => onChange(e.target.value)}
        options={options}
        data-test-subj={testSubj}
      />
    </EuiFormRow>
  );
}
