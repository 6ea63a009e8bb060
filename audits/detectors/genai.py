"""Category A detectors (AI tools only) — provenance marking of outputs and automated
safeguards against sexual content in inputs or outputs.
"""
from __future__ import annotations

import re

from audits import patterns as P
from audits.detectors import Context, Hit, detector, near_miss
from audits.detectors.common import specificity
from audits.segment import Segment

_PROV = P.rx(r"c2pa", r"content credentials?", r"synthid", r"(?:content )?provenance", r"watermark\w*", r"invisible (?:marks?|signals?|watermarks?)",
             r"metadata (?:indicating|that indicates|identifying|to identify|showing|that shows|stating|disclosing)", r"iptc", r"latent disclosure",
             r"cryptographic(?:ally)? (?:signed|signature)", r"metadata", r"digital(?:ly)? (?:signed|signatures?) (?:on|in|of) (?:outputs?|images?|content)")
# "metadata" alone is often about data collection: it must mark outputs as AI-made
_META_PROV = re.compile(r"\b(?:embed\w*|attach\w*|includ\w*|add\w*|label\w*|mark\w*|tag\w*|carr\w*|contain\w*)\b[^.;]{0,80}\bmetadata\b[^.;]{0,80}\b(?:ai|generated|synthetic|artificial|origin|provenance|created (?:with|by|using))\b|"
                        r"\bmetadata\b[^.;]{0,60}\b(?:identif\w*|indicat\w*|disclos\w*|signal\w*|show\w*|stat\w*)\b[^.;]{0,60}\b(?:ai|generated|synthetic|artificial|origin|provenance)\b", re.I)
_OUTPUT = re.compile(r"\b(?:outputs?|generat\w*|images? (?:created|produced|made)|ai[- ]generated|synthetic|created (?:with|by|using)|model|models|our (?:services?|tools?))\b", re.I)
_CIRCUMVENT = re.compile(r"\b(?:remov\w*|alter\w*|circumvent\w*|disabl\w*|obscur\w*|tamper\w*|strip\w*|bypass\w*|modify\w*|delet\w*|crop\w*)\b", re.I)
_SERVICE_ACTS = re.compile(r"\b(?:we|our|will|may|is|are|include|includes|carry|carries|contain|contains|embed\w*|add\w*|appl(?:y|ies)|mark\w*|label\w*)\b", re.I)
# labels the service attaches to generated content ("deep synthesis mark", "AI-generated label")
_AI_MARK = re.compile(r"\b(?:deep[- ]synthesis|ai[- ]generated(?: content)?|ai|artificial intelligence|synthetic(?: content)?|generated content)"
                      r" (?:service |content |generation |identification )?(?:marks?|labels?|identifiers?|logos?|tags?|watermarks?)\b", re.I)
# Chinese services follow the national labelling rules for generated content (explicit/implicit labels)
_PROV_ZH = re.compile(r"(?:人工智能|AI|ai)?生成(?:、?合成)?(?:内容)?(?:的)?标识|隐式标识|显式标识|AI标识|深度合成标识|数字水印|水印")
_CIRCUMVENT_ZH = re.compile(r"删除|篡改|隐匿|隐藏|去除|移除|规避|伪造")
_PROHIBIT_ZH = re.compile(r"不得|不应|禁止|严禁|不可")
_SERVICE_ZH = re.compile(r"我们|本公司|公司|添加|加注|标注")
_USER_DISCLOSE = re.compile(r"\byou (?:must|should|shall|agree to|are required to) (?:\w+ ){0,3}(?:disclose|label|indicate|tell|inform|state|mark)\b", re.I)


@detector("provenance_marking", "no statement that outputs carry watermarks, C2PA/content credentials or provenance metadata",
          gate=("c2pa", "metadata", "credential", "synthid", "provenance", "watermark", "invisible", "iptc", "latent", "signed", "signature",
                "mark", "label", "identifier", "logo", "tag", "标识", "水印"))
def provenance(seg: Segment, ctx: Context) -> Hit | None:
    text = seg.text
    zh = _PROV_ZH.search(text)
    if zh:
        if _CIRCUMVENT_ZH.search(text) and _PROHIBIT_ZH.search(text):
            return Hit(seg, 3.5 + specificity(seg), f"forbids removing AI-generated content labels ('{zh.group(0)}')")
        if _SERVICE_ZH.search(text):
            return Hit(seg, 3.0 + specificity(seg), f"outputs carry AI-generated content labels ('{zh.group(0)}')")
        return None
    terms = list(_PROV.finditer(text))
    mark = _AI_MARK.search(text)
    if mark and _CIRCUMVENT.search(text) and (re.search(r"\b(?:not|never|no)\b|prohibit|agree|may not|must not", text, re.I)
                                                or any(P.PROHIBIT.search(lead) for lead in seg.leads)):
        return Hit(seg, 3.5 + specificity(seg), f"forbids removing provenance marks ('{mark.group(0)}')")
    if mark and re.search(r"\bwe (?:\w+ ){0,2}(?:add|apply|attach|embed|include|insert|mark|label)\w*\b", text, re.I) and _OUTPUT.search(text):
        return Hit(seg, 3.0 + specificity(seg), f"outputs carry provenance ('{mark.group(0)}')")
    if not terms:
        return None
    strong = [t for t in terms if t.group(0).lower() != "metadata"]
    if not strong and not _META_PROV.search(text):
        return None
    m = strong[0] if strong else terms[0]
    if P.NEGATED_FACT.search(text) and not _CIRCUMVENT.search(text):
        return None
    circ = _CIRCUMVENT.search(text)
    if re.search(r"copyright|trademark|proprietary (?:notices?|rights)", text, re.I) and not re.search(r"provenance|c2pa|credential|synthid|output|generat|ai\b", text, re.I):
        return None
    if circ and re.search(r"\b(?:not|never|no)\b|prohibit|agree|may not|must not", text, re.I):
        return Hit(seg, 3.5 + specificity(seg), f"forbids removing provenance marks ('{m.group(0)}')")
    if _OUTPUT.search(text) and _SERVICE_ACTS.search(text) and not (_USER_DISCLOSE.search(text) and not re.search(r"\bwe\b", text, re.I)):
        return Hit(seg, 3.0 + specificity(seg), f"outputs carry provenance ('{m.group(0)}')")
    return None


@near_miss("provenance_marking")
def _prov_near(seg: Segment, ctx: Context) -> str | None:
    if _USER_DISCLOSE.search(seg.text) and re.search(r"\bai\b|generated|synthetic", seg.text, re.I):
        return "only a disclosure duty on the user (no watermark or provenance metadata)"
    return None


_AUTO = P.rx(r"automat\w*", r"filters?", r"filtering", r"classifiers?", r"detection", r"detect(?:s|ed|ing)?", r"block(?:s|ed|ing)?", r"scan(?:s|ned|ning)?",
             r"safety (?:systems?|checkers?|filters?|mechanisms?|tools?|models?|classifiers?)", r"moderation (?:systems?|models?|tools?|api|endpoint|filters?)",
             r"machine learning", r"ai[- ]based", r"guardrails?", r"hash\w*", r"photo ?dna", r"prevent(?:s|ed|ing)?", r"screen(?:s|ed|ing)?", r"refuse(?:s|d)?")
_SEXUAL_TARGET = P.rx(r"sexual\w*", r"nud(?:e|es|ity)", r"naked", r"adult content", r"nsfw", r"csam", r"child sexual", r"explicit", r"porn\w*",
                      r"intimate", r"sexuali[sz]\w*", r"gore and adult", r"adult (?:or|and) gore")
_USER_FILTER = re.compile(r"\b(?:you|users?) (?:can|may|could) (?:\w+ ){0,3}(?:filter|hide|blur|turn (?:on|off)|enable|disable)\b|\bsafe ?search\b|\bsettings?\b", re.I)
_AGE = re.compile(r"\bage[- ](?:verif\w*|gat\w*|check\w*|assurance)\b", re.I)
# the subject may be the measure itself ("Automated systems screen prompts …")
_SERVICE = re.compile(r"\b(?:we|our|us|will|the (?:service|platform|system|model)s?|is|are|(?:automated|safety|moderation) (?:systems?|filters?|classifiers?|tools?|checks?))\b", re.I)


@detector("sexual_content_safeguards", "no statement of automated filters or classifiers against sexual content",
          gate=("automat", "filter", "classif", "detect", "block", "scan", "safety", "moderation", "machine", "ai-based", "ai based", "guardrail", "hash", "photo", "prevent", "screen", "refus"))
def sexual_safeguards(seg: Segment, ctx: Context) -> Hit | None:
    text = seg.text
    a = _AUTO.search(text)
    if not a:
        return None
    target = _SEXUAL_TARGET.search(text)
    via_block = False
    if not target:
        # "We will block some inputs automatically." right after a rule on sexual content
        if len(text) < 160 and re.search(r"automat|filter|classifier|block", text, re.I) and re.search(r"\b(?:inputs?|prompts?|outputs?|images?|generations?)\b", text, re.I):
            target = _SEXUAL_TARGET.search(seg.prev) or _SEXUAL_TARGET.search(seg.block)
            via_block = bool(target)
        if not target:
            return None
    if not _SERVICE.search(text):
        return None
    if P.NEGATED_FACT.search(text) or _USER_FILTER.search(text) or _AGE.search(text):
        return None
    if re.search(r"\b(?:you|users?) (?:may|must|shall|will) not (?:\w+ ){0,3}(?:circumvent|bypass|disable|remove)", text, re.I) and not re.search(r"\bwe\b", text, re.I):
        return None
    if not re.search(r"automat|filter|classifier|detect|block|scan|safety|moderation|machine|guardrail|hash|photo ?dna|screen|refuse|prevent", a.group(0), re.I):
        return None
    # the automated measure must be about the service's own enforcement, near the sexual target
    if not via_block and abs(a.start() - target.start()) > 200:
        return None
    if a.group(0).lower().startswith("prevent") and not re.search(r"automat|filter|classifier|detect|technolog|system|tool", text, re.I):
        return None
    return Hit(seg, 3.0 + specificity(seg), f"automated '{a.group(0)}' against '{target.group(0)}'")


@near_miss("sexual_content_safeguards")
def _safe_near(seg: Segment, ctx: Context) -> str | None:
    if re.search(r"safeguards?|automated moderation", seg.text, re.I):
        return "generic safeguards or moderation, not tied to sexual content"
    return None
