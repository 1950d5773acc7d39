// TypeDoc plugin of the API reference (`npm run docs`):
// - a `*` between two operands in a doc comment (`(B, M*C)`, `y[b, g*O+o]`) is a product, not Markdown
//   emphasis: it is escaped in comment text (code spans keep theirs as written);
// - icons point at the sprite that assets/icons.js puts in each page, not at assets/icons.svg, which
//   browsers refuse to load from a page opened as a file:// URL (one console error per icon).
import { Converter, PageEvent } from 'typedoc';

const PRODUCT = /(?<=[\w)\]'])\*(?=[\w(\[])/g;

/** Every comment of a reflection: its own, its signatures', their parameters' and type parameters'. */
function comments(reflection) {
  const found = [reflection.comment];
  for (const child of [...(reflection.signatures ?? []), ...(reflection.parameters ?? []), ...(reflection.typeParameters ?? [])]) {
    found.push(...comments(child));
  }
  if (reflection.getSignature) found.push(...comments(reflection.getSignature));
  if (reflection.setSignature) found.push(...comments(reflection.setSignature));
  return found.filter(Boolean);
}

function escapeProducts(parts) {
  for (const part of parts) if (part.kind === 'text') part.text = part.text.replace(PRODUCT, '\\*');
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    for (const reflection of Object.values(context.project.reflections)) {
      for (const comment of comments(reflection)) {
        escapeProducts(comment.summary);
        for (const tag of comment.blockTags) escapeProducts(tag.content);
      }
    }
  });
  app.renderer.on(PageEvent.END, (page) => {
    if (page.contents) page.contents = page.contents.replace(/href="(?:\.\.\/)*assets\/icons\.svg#/g, 'href="#');
  });
}
