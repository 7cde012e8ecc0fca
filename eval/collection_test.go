package eval

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestLoadFixtures checks that each collection format is detected from its
// file names and parsed into exactly the documents, queries and judgments
// its fixture holds, quirks included.
func TestLoadFixtures(t *testing.T) {
	tests := []struct {
		dir      string
		claim    string
		want     Collection
		warnings []string // substrings, one per expected warning, in order
	}{
		{
			dir:   "cranfield",
			claim: "Cranfield: LF docs, empty .W, repeated .A/.B/.W; CRLF queries renumbered 1..N; grades -1 -> 0 and 1..4 -> 1; qrels without final newline",
			want: Collection{
				Name: "cranfield",
				Docs: []Doc{
					{DocNo: "1", Title: "experimental investigation of the aerodynamics of a\nwing in a slipstream .",
						Text: "experimental investigation of the aerodynamics of a\nwing in a slipstream .\nan experimental study of a wing in a propeller slipstream was\nmade in order to determine the spanwise distribution of the lift ."},
					{DocNo: "2", Title: "simple shear flow past a flat plate in an incompressible fluid of small\nviscosity .", Text: ""},
					{DocNo: "3", Title: "the boundary layer in simple shear flow past a flat plate .",
						Text: "the boundary-layer equations are presented for steady\nincompressible flow with no pressure gradient .\na second abstract paragraph ."},
				},
				Queries: []Query{
					{ID: "1", Text: "what similarity laws must be obeyed when constructing aeroelastic models\nof heated high speed aircraft ."},
					{ID: "2", Text: "what are the structural and aeroelastic problems associated with flight\nof high speed aircraft ."},
					{ID: "3", Text: "what problems of heat conduction in composite slabs have been solved so\nfar ."},
				},
				Qrels: Qrels{"1": {"1": 1, "3": 1, "2": 0}, "2": {"2": 1, "1": 0}, "3": {"3": 1, "2": 0}},
			},
		},
		{
			dir:   "cisi",
			claim: "CISI: CRLF, '.T ' with trailing space, repeated .A, .X ignored; a query's .T is kept before its .W; tab-separated REL",
			want: Collection{
				Name: "cisi",
				Docs: []Doc{
					{DocNo: "1", Title: "18 Editions of the Dewey Decimal Classifications",
						Text: "The present study is a history of the DEWEY Decimal\nClassification.  The first edition of the DDC was published\nin 1876."},
					{DocNo: "2", Title: "Use Made of Technical Libraries",
						Text: "This report is an analysis of 6300 acts of use\nin 104 technical libraries."},
				},
				Queries: []Query{
					{ID: "1", Text: "What problems and concerns are there in making up descriptive titles?"},
					{ID: "2", Text: "Directions in Library Networking\nBibliographic control before and after MARC is reviewed."},
					{ID: "3", Text: "A query nobody judged."},
				},
				Qrels: Qrels{"1": {"1": 1, "2": 1}, "2": {"2": 1}},
			},
		},
		{
			dir:   "med",
			claim: "MED: trailing spaces trimmed; MED.REL read as TREC qrels 'qid 0 docid grade'",
			want: Collection{
				Name: "med",
				Docs: []Doc{
					{DocNo: "1", Text: "correlation between maternal and fetal plasma levels of glucose and free\nfatty acids ."},
					{DocNo: "2", Text: "the crystalline lens in vertebrates ."},
				},
				Queries: []Query{{ID: "1", Text: "the crystalline lens in vertebrates, including humans."}},
				Qrels:   Qrels{"1": {"2": 1, "1": 1}},
			},
		},
		{
			dir:   "adi",
			claim: "ADI: two .T fields are joined; padded REL columns",
			want: Collection{
				Name: "adi",
				Docs: []Doc{
					{DocNo: "1", Title: "the ibm dsd technical information center",
						Text: "the ibm data systems division technical\ninformation center (tic) provides an operating developmental system ."},
					{DocNo: "67", Title: "first title part\nsecond title part", Text: "text of sixty-seven ."},
				},
				Queries: []Query{
					{ID: "1", Text: "What is information science?  Give definitions where possible."},
					{ID: "2", Text: "Image recognition and any other methods of automatically\ntransforming printed text into computer-ready form."},
				},
				Qrels: Qrels{"1": {"1": 1}, "2": {"67": 1}},
			},
		},
		{
			dir:   "cacm",
			claim: "CACM: .B/.A/.N/.X ignored, a doc without .W, a Latin-1 byte decoded as its rune, zero-padded ids in qrels.text normalised",
			want: Collection{
				Name: "cacm",
				Docs: []Doc{
					{DocNo: "1", Title: "Preliminary Report-International Algebraic Language"},
					{DocNo: "2", Title: "Extraction of Roots by Repeated Subtractions for Digital Computers",
						Text: "A method of extracting roots by repeated subtractions, as in the café problem."},
				},
				Queries: []Query{
					{ID: "1", Text: "What articles exist which deal with TSS (Time Sharing System), an\noperating system for IBM computers?"},
					{ID: "2", Text: "I am interested in articles written either by Prieve or Udo Pooch"},
				},
				Qrels: Qrels{"1": {"2": 1}, "2": {"1": 1, "2": 1}},
			},
		},
		{
			dir:   "lisa",
			claim: "LISA: docs over several files, title before the blank line, headerless fragment skipped, duplicated id keeps the first; LISA.QUE '#' terminator; LISARJ.NUM over lines; LISA.REL ignored",
			want: Collection{
				Name: "lisa",
				Docs: []Doc{
					{DocNo: "1", Title: "THE INDIAN COUNCIL OF LIBRARY AND INFORMATION SERVICES RESEARCH AND TRAINING:\nA PROPOSAL FOR CONSIDERATION.",
						Text: "CRITICALLY EXAMINES THE INDIAN LIBRARY SCENE.\nPROPOSES A COUNCIL."},
					{DocNo: "2", Title: "THE LINGERING FRAGRANCE.", Text: "PAPERS AND PROCEEDINGS FROM THE CONFERENCE."},
					{DocNo: "3", Title: "MICROFILM IN THE ELECTRONIC OFFICE.", Text: "THE RESULTS OF A SURVEY OF THE MICROFILM INDUSTRY."},
				},
				Queries: []Query{
					{ID: "1", Text: "I AM INTERESTED IN THE IDENTIFICATION AND EVALUATION OF NOVEL\nCOMPUTER ARCHITECTURES."},
					{ID: "2", Text: "I WOULD BE INTERESTED TO RECEIVE INFORMATION ON NON-USERS OF LIBRARIES.\nNON-USE, LIBRARY USE, USER STUDIES."},
				},
				Qrels: Qrels{"1": {"1": 1, "3": 1}, "2": {"2": 1}},
			},
			warnings: []string{
				"LISA1.501:6: record without a \"Document <n>\" header skipped",
				"LISA1.501:9: duplicated document id 2 skipped",
			},
		},
		{
			dir:   "npl",
			claim: "NPL: blank first line, indented '/' terminators, rlv-ass ids over several lines",
			want: Collection{
				Name: "npl",
				Docs: []Doc{
					{DocNo: "1", Text: "compact memories have flexible capacities  a digital data storage\nsystem with capacity up to bits and random and or sequential access"},
					{DocNo: "2", Text: "an electronic analogue computer for solving systems of linear equations"},
					{DocNo: "3", Text: "electronic coordinate transformer"},
				},
				Queries: []Query{
					{ID: "1", Text: "MEASUREMENT OF DIELECTRIC CONSTANT OF LIQUIDS BY THE USE OF MICROWAVE TECHNIQUES"},
					{ID: "2", Text: "MATHEMATICAL ANALYSIS AND DESIGN DETAILS OF WAVEGUIDE FED MICROWAVE RADIATIONS"},
				},
				Qrels: Qrels{"1": {"1": 1, "3": 1, "2": 1}, "2": {"3": 1}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			got, err := Load(filepath.Join("testdata", tt.dir))
			if err != nil {
				t.Fatalf("%s: Load: %v", tt.claim, err)
			}
			warnings := got.Warnings
			got.Warnings = nil
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("%s\n got %#v\nwant %#v", tt.claim, *got, tt.want)
			}
			if len(warnings) != len(tt.warnings) {
				t.Fatalf("%s: got warnings %q, want %d matching %q", tt.claim, warnings, len(tt.warnings), tt.warnings)
			}
			for i, w := range tt.warnings {
				if !strings.Contains(warnings[i], w) {
					t.Errorf("%s: warning %d = %q, want it to contain %q", tt.claim, i, warnings[i], w)
				}
			}
		})
	}
}

// TestLoadErrors checks that an unknown or incomplete folder and malformed
// files give a clear error naming the file and line, and never a panic.
func TestLoadErrors(t *testing.T) {
	tests := []struct {
		dir      string
		claim    string
		unknown  bool   // want ErrUnknownFormat
		file     string // want a *ParseError in this file (base name)...
		line     int    // ...at this line
		contains string // and this text in the message
	}{
		{dir: "unknown", claim: "a folder with no known files is an unknown format", unknown: true, contains: "no cran.all.1400"},
		{dir: "partial", claim: "a partial match names the missing files", unknown: true, contains: "cisi (missing cisi.qry, cisi.rel)"},
		{dir: "text-before-I", claim: "text before the first .I is malformed", file: "cran.all.1400", line: 1, contains: "before the first .I"},
		{dir: "cran-grade", claim: "a Cranfield grade outside -1..5 is malformed", file: "cranqrel", line: 2, contains: "grade 7"},
		{dir: "I-without-id", claim: ".I without an id is malformed", file: "MED.ALL", line: 4, contains: ".I marker"},
		{dir: "med-rel-fields", claim: "a TREC qrels line with the wrong field count is malformed", file: "MED.REL", line: 2, contains: "got 2 fields"},
		{dir: "lisa-truncated", claim: "LISARJ.NUM declaring more ids than it lists is malformed", file: "LISARJ.NUM", line: 1, contains: "declares 3 documents"},
		{dir: "lisa-unterminated-query", claim: "a LISA query without '#' is malformed", file: "LISA.QUE", line: 3, contains: "no closing"},
		{dir: "npl-bad-doc-id", claim: "an NPL record id that is not a number is malformed", file: "doc-text", line: 4, contains: "want a record number"},
		{dir: "dup-query", claim: "a duplicated query id is malformed", file: "ADI.QRY", line: 4, contains: "duplicated query id 1"},
		{dir: "does-not-exist", claim: "a missing folder is an error", contains: "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			_, err := Load(filepath.Join("testdata", "bad", tt.dir))
			if err == nil {
				t.Fatalf("%s: Load succeeded", tt.claim)
			}
			if got := errors.Is(err, ErrUnknownFormat); got != tt.unknown {
				t.Errorf("%s: errors.Is(err, ErrUnknownFormat) = %v: %v", tt.claim, got, err)
			}
			if tt.file != "" {
				var pe *ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("%s: want a *ParseError, got %v", tt.claim, err)
				}
				if filepath.Base(pe.File) != tt.file || pe.Line != tt.line {
					t.Errorf("%s: error at %s:%d, want %s:%d (%v)", tt.claim, filepath.Base(pe.File), pe.Line, tt.file, tt.line, err)
				}
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("%s: error %q does not contain %q", tt.claim, err, tt.contains)
			}
		})
	}
}

// TestDecodeLenient checks that valid UTF-8 is kept and stray bytes become
// the Latin-1 character of the same value.
func TestDecodeLenient(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"plain ascii", "plain ascii"},
		{"caf\u00e9 in UTF-8", "café in UTF-8"},
		{"caf\xe9 in Latin-1", "café in Latin-1"},
		{"\xa3100 and \u20ac5", "£100 and €5"},
		{"truncated \xe2\x82", "truncated \u00e2\u0082"},
	}
	for _, tt := range tests {
		if got := decodeLenient([]byte(tt.in)); got != tt.want {
			t.Errorf("decodeLenient(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
