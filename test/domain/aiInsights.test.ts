import { describe, expect, it } from 'vitest';
import { insightsFromCues, parseCues } from '../../src/domain/aiInsights.js';

const VTT = `WEBVTT

00:00:01.000 --> 00:00:04.000
<v Adele Vance>Good morning, Alex &amp; Megan.</v>

00:00:05.500 --> 00:00:08.000
<v Alex Wilber>I will send the numbers by Friday.</v>

00:01:10.250 --> 00:01:12.000
<v Megan Bowen>Alex, can you check the &lt;draft&gt; too?</v>

00:01:13.000 --> 00:01:15.000
<v Alex Wilber>Sure.</v>
`;

describe('AI insights from transcript cues', () => {
  it('parses WebVTT voice cues with their start times, unescaping text', () => {
    expect(parseCues(VTT)).toEqual([
      { startMs: 1_000, speaker: 'Adele Vance', text: 'Good morning, Alex & Megan.' },
      { startMs: 5_500, speaker: 'Alex Wilber', text: 'I will send the numbers by Friday.' },
      { startMs: 70_250, speaker: 'Megan Bowen', text: 'Alex, can you check the <draft> too?' },
      { startMs: 73_000, speaker: 'Alex Wilber', text: 'Sure.' },
    ]);
  });

  it('notes per speaker, action items from commitments, mentions of the viewer by others', () => {
    const insights = insightsFromCues(parseCues(VTT), ['Alex Wilber', 'Alex']);
    expect(insights.meetingNotes.map((n) => n.title)).toEqual([
      'Adele Vance: Good morning, Alex & Megan.',
      'Alex Wilber: I will send the numbers by Friday.',
      'Megan Bowen: Alex, can you check the <draft> too?',
    ]);
    expect(insights.meetingNotes[1]!.subpoints).toEqual([{ title: 'Sure.', text: 'Sure.' }]);
    expect(insights.actionItems).toEqual([{ title: 'I will send the numbers by Friday.', text: 'I will send the numbers by Friday.', ownerDisplayName: 'Alex Wilber' }]);
    expect(insights.mentions).toEqual([
      { offsetMs: 1_000, speaker: 'Adele Vance', utterance: 'Good morning, Alex & Megan.' },
      { offsetMs: 70_250, speaker: 'Megan Bowen', utterance: 'Alex, can you check the <draft> too?' },
    ]);
    // Nobody mentions Adele (she speaks first, but her own words are not mentions of her).
    expect(insightsFromCues(parseCues(VTT), ['Adele Vance', 'Adele']).mentions).toEqual([]);
  });
});
