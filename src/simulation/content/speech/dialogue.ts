import type { Voice } from './synthesizer.js';

/**
 * The built-in meeting dialogue, one short stand-up per language, and the voices that speak it.
 * The language tags are the ones Teams writes as metadataContent's spokenLanguage
 * (https://learn.microsoft.com/graph/api/calltranscript-get, example 4: `en-us`).
 */
export const SPOKEN_LANGUAGES = ['en-us', 'fr-fr', 'de-de', 'es-es'] as const;
export type SpokenLanguage = (typeof SPOKEN_LANGUAGES)[number];

export const isSpokenLanguage = (tag: string): tag is SpokenLanguage => (SPOKEN_LANGUAGES as readonly string[]).includes(tag);

export const DIALOGUE: Readonly<Record<SpokenLanguage, readonly string[]>> = {
  'en-us': [
    'Good morning everyone, thanks for joining.',
    'Let us start with the status of the release.',
    'The build is green and the last issues are closed.',
    'Great. What about the customer feedback from last week?',
    'Most of it was about the onboarding flow; we have a fix ready.',
    'Can we ship it before the end of the month?',
    'Yes, if the review goes well on Thursday.',
    'Then let us plan the review for Thursday morning.',
    'I will send the invitation after this call.',
    'Thanks all, talk to you next week.',
  ],
  'fr-fr': [
    'Bonjour à tous, merci d’être là.',
    'Commençons par l’état de la version.',
    'La compilation passe et les derniers tickets sont fermés.',
    'Parfait. Et les retours des clients de la semaine dernière ?',
    'Ils portaient surtout sur l’accueil des nouveaux utilisateurs ; le correctif est prêt.',
    'Pouvons-nous livrer avant la fin du mois ?',
    'Oui, si la revue se passe bien jeudi.',
    'Alors prévoyons la revue jeudi matin.',
    'J’envoie l’invitation après cet appel.',
    'Merci à tous, à la semaine prochaine.',
  ],
  'de-de': [
    'Guten Morgen zusammen, danke fürs Dabeisein.',
    'Fangen wir mit dem Stand des Releases an.',
    'Der Build ist grün und die letzten Tickets sind geschlossen.',
    'Sehr gut. Wie sieht es mit dem Kundenfeedback der letzten Woche aus?',
    'Es ging vor allem um das Onboarding; eine Korrektur ist fertig.',
    'Können wir vor Monatsende ausliefern?',
    'Ja, wenn das Review am Donnerstag gut läuft.',
    'Dann planen wir das Review für Donnerstagmorgen.',
    'Ich schicke die Einladung nach diesem Termin.',
    'Danke euch allen, bis nächste Woche.',
  ],
  'es-es': [
    'Buenos días a todos, gracias por venir.',
    'Empecemos con el estado de la versión.',
    'La compilación está en verde y las últimas incidencias están cerradas.',
    'Muy bien. ¿Y los comentarios de los clientes de la semana pasada?',
    'Casi todos eran sobre el proceso de alta; ya tenemos una corrección.',
    '¿Podemos publicarla antes de fin de mes?',
    'Sí, si la revisión del jueves sale bien.',
    'Entonces planifiquemos la revisión para el jueves por la mañana.',
    'Enviaré la invitación después de esta llamada.',
    'Gracias a todos, hasta la semana que viene.',
  ],
};

/** eSpeak NG's voice for each language. */
const ESPEAK_LANGUAGE: Readonly<Record<SpokenLanguage, string>> = { 'en-us': 'en-us', 'fr-fr': 'fr', 'de-de': 'de', 'es-es': 'es' };

/**
 * Speaker n's voice: a variant, pitch and rate of their own, so diarisation has something to tell
 * apart. Only variants that speak the same text as the same samples (f2, f3 and f5 add random breath).
 */
const VARIANTS: readonly { variant: string; pitch: number; rate: number }[] = [
  { variant: 'm3', pitch: 40, rate: 170 },
  { variant: 'f1', pitch: 68, rate: 180 },
  { variant: 'm1', pitch: 28, rate: 160 },
  { variant: 'f4', pitch: 78, rate: 175 },
  { variant: 'm7', pitch: 52, rate: 185 },
  { variant: 'm5', pitch: 60, rate: 165 },
];

export function voiceFor(language: SpokenLanguage, speakerIndex: number): Voice {
  const v = VARIANTS[speakerIndex % VARIANTS.length]!;
  return { name: `${ESPEAK_LANGUAGE[language]}+${v.variant}`, pitch: v.pitch, rate: v.rate };
}
